"""The employee's self-review workspace: `views` (one page per person per cycle and the forms it posts), `forms`."""
