"""The user's audit project: its settings (cxaudit.yaml, environment, options), the JSON
Schemas of its files, ``cxaudit init``, and the generated reference pages.
"""
