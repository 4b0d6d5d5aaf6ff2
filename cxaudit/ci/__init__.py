"""What a CI job needs besides the run: thresholds and the verdict, the baseline and the
accept list, shards and merging their results.
"""
