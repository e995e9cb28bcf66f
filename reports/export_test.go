package reports

// CleanForTest is clean, for the tests of the scripts (scripts_test.go).
var CleanForTest = clean
