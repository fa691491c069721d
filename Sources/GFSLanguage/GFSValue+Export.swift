// The language's values are the package's one value tree; everything that imports the
// language sees `Value`, `Record` and the JSON reader and writer without a second import.
@_exported public import GFSValue
