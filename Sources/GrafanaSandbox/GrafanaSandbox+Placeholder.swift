// Work in progress: see the issue that builds this module.
