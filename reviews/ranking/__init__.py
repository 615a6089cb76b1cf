"""The recommending authority's preliminary review 初审 and its ranking table 推荐排序表:
the order of its recommended cases, the stamped scan, the submission to the province
and the province's return."""
