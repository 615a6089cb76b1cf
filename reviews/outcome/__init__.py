"""The review's outcome: selection, the 公示 and the 通报, and the ordered
recommendation to the NRTA with its package."""
