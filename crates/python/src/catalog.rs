//! `Catalog`: compiled catalogs read back from `pricebook build` output.

use crate::error::PricebookError;
use pricebook_core::catalog_json;
use pricebook_lang::compile;
use pyo3::prelude::*;
use pyo3::types::PyType;
use std::collections::BTreeMap;

/// Compiled catalogs, by id (one per plan file), as `pricebook build`
/// writes them.
///
/// Read one with `Catalog.from_json(text)` or take a project's with
/// `Project(path).catalog()`; `to_json()` gives the canonical JSON back.
#[pyclass(module = "pricebook", frozen)]
pub(crate) struct Catalog {
    /// Sorted by id (catalogs are not `Clone`; rendering takes a slice).
    catalogs: Vec<compile::Catalog>,
}

impl Catalog {
    /// Catalogs by id, as `catalog_json::read` returns them.
    pub(crate) fn new(by_id: BTreeMap<String, compile::Catalog>) -> Catalog {
        Catalog { catalogs: by_id.into_values().collect() }
    }

    /// Reads canonical catalog JSON; the error is rendered like the CLI's.
    pub(crate) fn read(text: &str) -> PyResult<Catalog> {
        catalog_json::read(text)
            .map(Catalog::new)
            .map_err(|e| PricebookError::new_err(format!("error: {e}\nhelp: pass the output of `pricebook build`")))
    }

    /// Catalog `id`, or a `KeyError` naming the ids there are.
    pub(crate) fn find(&self, id: &str) -> PyResult<&compile::Catalog> {
        self.catalogs.iter().find(|c| c.id == id).ok_or_else(|| {
            pyo3::exceptions::PyKeyError::new_err(format!(
                "no catalog `{id}`; the catalogs are: {}",
                self.ids().join(", ")
            ))
        })
    }

    /// The id of the only catalog, or a `ValueError` asking to choose one.
    pub(crate) fn only_id(&self) -> PyResult<String> {
        match self.catalogs.as_slice() {
            [one] => Ok(one.id.clone()),
            _ => Err(pyo3::exceptions::PyValueError::new_err(format!(
                "these catalogs hold {} plan files ({}): name one with plans=\"...\"",
                self.catalogs.len(),
                self.ids().join(", ")
            ))),
        }
    }
}

#[pymethods]
impl Catalog {
    /// Reads canonical catalog JSON (the output of `pricebook build`),
    /// checking its format and content hash.
    ///
    /// Raises `PricebookError` when the text is not catalog JSON, was
    /// written by another format version, or was edited by hand.
    #[classmethod]
    fn from_json(_cls: &Bound<'_, PyType>, text: &str) -> PyResult<Catalog> {
        Catalog::read(text)
    }

    /// The catalogs' ids (plan-file names), sorted.
    #[getter]
    fn ids(&self) -> Vec<String> {
        self.catalogs.iter().map(|c| c.id.clone()).collect()
    }

    /// The plan ids of catalog `id`, in the order the plan file lists them.
    fn plans(&self, id: &str) -> PyResult<Vec<String>> {
        Ok(self.find(id)?.plans.iter().map(|p| p.id.clone()).collect())
    }

    /// The canonical JSON, byte for byte what `pricebook build` writes.
    fn to_json(&self) -> PyResult<String> {
        catalog_json::render(&self.catalogs).map_err(|e| PricebookError::new_err(e.to_string()))
    }

    fn __len__(&self) -> usize {
        self.catalogs.len()
    }

    fn __repr__(&self) -> String {
        format!("Catalog(ids={:?})", self.ids())
    }
}
