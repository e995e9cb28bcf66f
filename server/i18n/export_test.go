package i18n

// LoadCatalog is loadCatalog for the tests of package i18n_test.
var LoadCatalog = loadCatalog
