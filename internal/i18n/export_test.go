package i18n

// Catalogs gives the external tests (package i18n_test, which may import the packages whose values
// build keys) the message catalogues.
var Catalogs = catalogs
