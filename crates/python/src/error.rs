//! The one exception the module raises for problems in user input.

use pricebook_lang::diag::{Diagnostics, SourceMap, Style, render_all};

pyo3::create_exception!(
    pricebook,
    PricebookError,
    pyo3::exceptions::PyException,
    "A project, plan, scenario or catalog that pricebook cannot use; the message is the rendered diagnostics."
);

/// The diagnostics as the command line prints them (without colour).
pub(crate) fn rendered(diags: &Diagnostics, sources: &SourceMap) -> String {
    render_all(&diags.sorted(), sources, Style::Plain)
}

/// `PricebookError` carrying the rendered diagnostics.
pub(crate) fn from_diagnostics(diags: &Diagnostics, sources: &SourceMap) -> pyo3::PyErr {
    PricebookError::new_err(rendered(diags, sources))
}
