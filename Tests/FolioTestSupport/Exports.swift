// Tests that import the support target get the subprocess runner with it.
@_exported import FolioSubprocess
