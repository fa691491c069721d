// The executable's entry point arrives with batch mode (issue 2).
print("gfs: not built yet")
