use super::{Output, SchemaKind};

pub fn run(kind: SchemaKind, out: &mut Output) -> u8 {
    let text = match kind {
        SchemaKind::Plan => pricebook_lang::schema::json(false),
        SchemaKind::Scenario => pricebook_lang::schema::json(true),
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
