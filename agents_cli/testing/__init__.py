"""`agents test`: tests and simulated-conversation scenarios run against an agent, with reports.

``model`` holds the result types, ``scenarios`` the scenario files, ``prepare`` turns a project selection
into targets (syncing the test definitions they need), ``runner`` runs them concurrently, ``render`` prints
them and ``reports`` writes JUnit XML and JSON.
"""
