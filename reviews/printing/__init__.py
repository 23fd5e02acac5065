"""What turns typed facts into paper: the packet context, SVG charts and the locked PDF renderer."""
