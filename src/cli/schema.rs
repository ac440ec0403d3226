use super::{Output, SchemaKind};
use pricebook_lang::schema::{self, Kind};

pub fn run(kind: SchemaKind, out: &mut Output) -> u8 {
    let text = match kind {
        SchemaKind::Plan => schema::json(Kind::Plan),
        SchemaKind::Scenario => schema::json(Kind::Scenario),
        SchemaKind::Project => schema::json(Kind::Project),
        SchemaKind::Rules => schema::json(Kind::Rules),
        SchemaKind::Catalog => pricebook_core::catalog_json::schema(),
    };
    match text {
        Ok(text) => {
            out.print(&text);
            0
        }
        Err(e) => {
            out.eprint(&format!("error: cannot render the schema: {e}\n"));
            2
        }
    }
}
