"""The case's life: its transition table, the conditions and grants of each state,
the hooks the review app fills, and whom a transition tells."""
