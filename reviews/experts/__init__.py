"""The province's expert review 专家评审: rubric, rounds, panels, assignment, conflicts,
scores, and the results computed from them, with the experts' and the province's
documents of it."""
