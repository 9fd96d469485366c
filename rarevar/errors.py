"""The one error type that users see: a bad input, with where it is and what to do."""


class InputError(Exception):
    """A problem with the user's input. The message names the file, the line or record, and the fix."""

    def __init__(self, path, problem: str, fix: str, where: str | None = None):
        self.path = str(path)
        self.problem = problem
        self.fix = fix
        self.where = where
        location = f"{self.path}, {where}" if where else self.path
        super().__init__(f"{location}: {problem}. {fix}")
