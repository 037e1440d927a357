"""Eval suites: gold annotations, extraction metrics, verifier mutation testing, reports and the regression gate."""
