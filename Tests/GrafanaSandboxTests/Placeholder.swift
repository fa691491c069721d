// Tests arrive with the module they test.
