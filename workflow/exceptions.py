class TransitionRefused(Exception):
    """A transition was not taken. `reasons` are complete Chinese sentences meant for the
    user; nothing was changed."""

    def __init__(self, reasons: list[str] | str):
        self.reasons = [reasons] if isinstance(reasons, str) else list(reasons)
        super().__init__("; ".join(str(reason) for reason in self.reasons))
