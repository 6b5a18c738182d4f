"""Plain output: findmnt-style tables and JSON (findmnt), verdict and
diff reports (report). Text for terminals and pipes; never Textual."""
