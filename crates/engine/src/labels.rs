//! Credit labels: which word a grant's credits carry in the history.
//!
//! Label ids `0..n` are the catalog's sources (by declaration order); the
//! engine's own grants (transfers, adjustments without a source, direct
//! grants without a label) use the built-in labels after them; a caller
//! adds its own for labelled direct grants with [`Labels::intern`]. Ids
//! depend only on the catalog and the caller, never on other accounts.

use pricebook_core::catalog::Catalog;

/// A label of credits, by id.
pub type LabelId = u16;

/// Labels the engine gives its own grants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    Transfer,
    Adjustment,
    Grant,
}

impl Builtin {
    const ALL: [Builtin; 3] = [Builtin::Transfer, Builtin::Adjustment, Builtin::Grant];

    pub fn name(self) -> &'static str {
        match self {
            Builtin::Transfer => "transfer",
            Builtin::Adjustment => "adjustment",
            Builtin::Grant => "grant",
        }
    }

    /// Its id under `cat`: a source with the same label shares it.
    pub fn id(self, cat: &Catalog) -> LabelId {
        let n = cat.sources.iter().position(|s| s.label == self.name()).unwrap_or(cat.sources.len() + self as usize);
        LabelId::try_from(n).unwrap_or(LabelId::MAX)
    }
}

/// Label names by id, for a catalog and its callers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Labels {
    names: Vec<String>,
}

impl Labels {
    pub fn new(cat: &Catalog) -> Labels {
        let mut names: Vec<String> = cat.source_labels().map(str::to_string).collect();
        names.extend(Builtin::ALL.map(|b| b.name().to_string()));
        Labels { names }
    }

    /// The id of a name, added if new.
    pub fn intern(&mut self, name: &str) -> LabelId {
        let ix = self.names.iter().position(|n| n == name).unwrap_or_else(|| {
            self.names.push(name.to_string());
            self.names.len() - 1
        });
        LabelId::try_from(ix).unwrap_or(LabelId::MAX)
    }

    pub fn id(&self, name: &str) -> Option<LabelId> {
        self.names.iter().position(|n| n == name).and_then(|i| LabelId::try_from(i).ok())
    }

    pub fn name(&self, id: LabelId) -> Option<&str> {
        self.names.get(usize::from(id)).map(String::as_str)
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }
}
