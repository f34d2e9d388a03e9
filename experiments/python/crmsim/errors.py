"""The package's exception."""


class CrmsimError(Exception):
    """A problem crmsim reported (bad config, a results file it cannot read, a failed
    experiment). `status` is the command line's exit status when it came from one."""

    def __init__(self, message, status=None, command=None):
        super().__init__(message)
        self.status = status
        self.command = command
