"""Everything that touches the machine: reading files and standard input
(loader), live mount tables (live), live signals (signals), watching for
changes (watch)."""
