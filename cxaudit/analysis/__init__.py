"""From a raw run to a checked and scored one: checks over snapshots, scores, timing
metrics and their statistics, visual comparison. Pure: no browser.
"""
