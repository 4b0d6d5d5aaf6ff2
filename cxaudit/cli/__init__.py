"""The ``cxaudit`` command and its progress display."""
