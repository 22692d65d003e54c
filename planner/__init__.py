"""Jemput Bola planner: from an office's files to a weekly route plan for e-KTP teams.

A pure library: it reads data files, classifies villages, scores them, builds a routing
instance and solves it with OR-Tools.  It knows nothing about the web.
"""

__version__ = "0.1.0"
