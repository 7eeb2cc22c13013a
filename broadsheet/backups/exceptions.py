class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message tells the operator why."""
