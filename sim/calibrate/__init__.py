"""Calibration from real data: call logs -> a scenario, a validation report, forecast import.

`read_log` cleans a call log into a table of calls; `calibrate` estimates arrivals, handle times,
censored patience and staffing and builds a scenario; `validate` simulates it and compares with
the log hour by hour; `import_forecast` turns interval volumes into profiles and a day factor.
"""
