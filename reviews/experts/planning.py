"""Plan which expert reviews which case in a provincial expert review 省级专家评审分配.

The problem is a bipartite b-matching solved as a max flow:

    source -> case     capacity per_case - reviewers the case already has
    case   -> expert   capacity 1 for every allowed pair (not conflicted, not existing)
    expert -> sink     capacity cap - the expert's current load

Guaranteed:
  * no conflicted or already existing pair is planned; no case gets more than per_case
    reviewers in total and no expert more than max_load cases in total;
  * maximum coverage: the number of new pairs is the largest possible under those rules;
  * minimal maximum load: among all maximum plans, the highest expert load is as low as
    possible (or equals the highest current load, which the plan cannot lower).
Heuristic (deterministic, but not proven optimal): how load is spread below that maximum,
and which cases stay short when coverage is incomplete. The cap is raised one level at a
time and the flow of the previous level is kept, so cases go to the least-loaded experts
first; within a level, experts are tried in order of current load, then id.

Pure standard library, so it can be planned and tested without the database.
"""

from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class Plan:
    pairs: tuple[tuple[int, int], ...]  # new (case_id, expert_id) pairs to create, sorted
    short: dict[int, int]  # case_id -> reviewers still missing after the plan (only cases with > 0)
    loads: dict[int, int]  # expert_id -> load after the plan (existing + new), every expert listed


class _FlowNetwork:
    """Residual graph for Dinic's algorithm; edge i and i ^ 1 are a forward/backward pair."""

    def __init__(self, node_count: int) -> None:
        self.adjacency: list[list[int]] = [[] for _ in range(node_count)]
        self.head: list[int] = []
        self.residual: list[int] = []

    def add_edge(self, tail: int, head: int, capacity: int) -> int:
        edge = len(self.head)
        self.head += [head, tail]
        self.residual += [capacity, 0]
        self.adjacency[tail].append(edge)
        self.adjacency[head].append(edge + 1)
        return edge

    def max_flow(self, source: int, sink: int) -> int:
        """Augment from the current flow to a maximum one; returns the flow added."""
        added = 0
        while True:
            level = self._levels(source)
            if level[sink] < 0:
                return added
            next_edge = [0] * len(self.adjacency)
            while pushed := self._augment(source, sink, level, next_edge):
                added += pushed

    def _levels(self, source: int) -> list[int]:
        level = [-1] * len(self.adjacency)
        level[source] = 0
        queue = deque([source])
        while queue:
            node = queue.popleft()
            for edge in self.adjacency[node]:
                head = self.head[edge]
                if self.residual[edge] > 0 and level[head] < 0:
                    level[head] = level[node] + 1
                    queue.append(head)
        return level

    def _augment(self, source: int, sink: int, level: list[int], next_edge: list[int]) -> int:
        # Iterative DFS over the level graph: recursion depth is not a concern here, but
        # an explicit stack keeps it safe for any input size.
        path: list[int] = []
        node = source
        while node != sink:
            edges = self.adjacency[node]
            while next_edge[node] < len(edges):
                edge = edges[next_edge[node]]
                if self.residual[edge] > 0 and level[self.head[edge]] == level[node] + 1:
                    break
                next_edge[node] += 1
            else:
                if node == source:
                    return 0
                # Dead end: retreat and never try this edge again in this phase.
                edge = path.pop()
                node = self.head[edge ^ 1]
                next_edge[node] += 1
                continue
            path.append(edge)
            node = self.head[edge]
        pushed = min(self.residual[edge] for edge in path)
        for edge in path:
            self.residual[edge] -= pushed
            self.residual[edge ^ 1] += pushed
        return pushed


def plan_assignments(
    *,
    case_ids: list[int],
    expert_ids: list[int],
    per_case: int,
    max_load: int,
    existing: set[tuple[int, int]] = frozenset(),
    conflicts: set[tuple[int, int]] = frozenset(),
    existing_loads: dict[int, int] | None = None,
) -> Plan:
    """Plan new (case, expert) pairs; see the module docstring for what is guaranteed.

    existing pairs count towards per_case and the expert's load (also when they are
    conflicted or already over a cap: they are never removed, only not added to);
    existing_loads is the load from cases outside case_ids.
    """
    if per_case < 0 or max_load < 0:
        raise ValueError("per_case and max_load must not be negative")
    cases = sorted(set(case_ids))
    experts = sorted(set(expert_ids))
    case_set, expert_set = set(cases), set(experts)
    existing_loads = existing_loads or {}
    existing, conflicts = frozenset(existing), frozenset(conflicts)  # O(1) lookups for any iterable

    have = dict.fromkeys(cases, 0)
    current = {expert: existing_loads.get(expert, 0) for expert in experts}
    for case, expert in existing:
        if case in case_set:
            have[case] += 1
            if expert in expert_set:
                current[expert] += 1
    need = {case: max(0, per_case - have[case]) for case in cases}

    # Less-loaded experts first, so the DFS tries them first within a level.
    expert_order = sorted(experts, key=lambda expert: (current[expert], expert))
    source, sink = 0, 1
    node_of_case = {case: 2 + index for index, case in enumerate(cases)}
    node_of_expert = {expert: 2 + len(cases) + index for index, expert in enumerate(expert_order)}

    def build() -> tuple[_FlowNetwork, dict[int, int], list[tuple[int, int, int]]]:
        network = _FlowNetwork(2 + len(cases) + len(experts))
        sink_edge = {expert: network.add_edge(node_of_expert[expert], sink, 0) for expert in expert_order}
        pair_edges = []
        for case in cases:
            if not need[case]:
                continue
            network.add_edge(source, node_of_case[case], need[case])
            for expert in expert_order:
                if (case, expert) not in conflicts and (case, expert) not in existing:
                    edge = network.add_edge(node_of_case[case], node_of_expert[expert], 1)
                    pair_edges.append((case, expert, edge))
        return network, sink_edge, pair_edges

    def raise_cap(network: _FlowNetwork, sink_edge: dict[int, int], old: int, new: int) -> None:
        for expert, edge in sink_edge.items():
            network.residual[edge] += max(0, new - current[expert]) - max(0, old - current[expert])

    # The best coverage any cap allows is the coverage at max_load.
    network, sink_edge, pair_edges = build()
    raise_cap(network, sink_edge, 0, max_load)
    target = network.max_flow(source, sink)

    # The smallest cap reaching target. Instead of a binary search with a fresh flow per
    # probe, raise the cap one level at a time and keep the flow: the flow after each
    # level is a maximum flow for that cap, so the first level reaching target is the
    # minimum, and keeping earlier levels' flow is what spreads cases over the
    # least-loaded experts. Start at the first cap whose total capacity could hold
    # target, as no lower cap can reach it.
    network, sink_edge, pair_edges = build()
    cap, flow = 0, 0
    if target:
        while sum(max(0, cap - load) for load in current.values()) < target:
            cap += 1
        raise_cap(network, sink_edge, 0, cap)
        flow = network.max_flow(source, sink)
        while flow < target:
            raise_cap(network, sink_edge, cap, cap + 1)
            cap += 1
            flow += network.max_flow(source, sink)

    pairs = tuple(sorted((case, expert) for case, expert, edge in pair_edges if network.residual[edge] == 0))
    got = dict.fromkeys(cases, 0)
    loads = dict(current)
    for case, expert in pairs:
        got[case] += 1
        loads[expert] += 1
    short = {case: need[case] - got[case] for case in cases if need[case] > got[case]}
    return Plan(pairs=pairs, short=short, loads=dict(sorted(loads.items())))
