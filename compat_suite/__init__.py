"""The compatibility suite: MXNet 1.x programs, MXNet 1.9.1's recorded outputs, and the runner.

    python -m compat_suite            # run every program under mxjax and compare (see runner.py)
    python -m compat_suite.record     # record the expected outputs with real MXNet 1.9.1

See README.md in this directory.
"""
