package server

// ReportFileName is reportFileName, for the tests of package server_test.
var ReportFileName = reportFileName
