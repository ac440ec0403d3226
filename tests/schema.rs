//! The JSON Schemas: the committed files are what the code generates, every
//! bundled plan file validates against the plan schema with an independent
//! validator, and that validator really rejects bad plans.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn committed_schemas_are_up_to_date() {
    let mut kinds: Vec<(&str, Result<String, serde_json::Error>)> =
        pricebook_lang::schema::Kind::ALL.into_iter().map(|k| (k.name(), pricebook_lang::schema::json(k))).collect();
    kinds.push(("catalog", pricebook_core::catalog_json::schema()));
    for (kind, generated) in kinds {
        let file = format!("schemas/{kind}.schema.json");
        let committed = read(&root().join(&file));
        let generated = generated.expect("schema renders");
        assert!(
            committed == generated,
            "{file} is out of date with the model types; regenerate it with\n\n    cargo run -- schema {kind} > {file}\n"
        );
    }
}

fn plan_schema() -> Value {
    serde_json::from_str(&read(&root().join("schemas/plan.schema.json"))).expect("schema is JSON")
}

/// A plan file as the JSON an editor's schema validator sees.
fn plan_as_json(text: &str) -> Value {
    let value: toml::Value = toml::from_str(text).expect("bundled plans are TOML");
    serde_json::to_value(value).expect("TOML converts to JSON")
}

fn bundled_plans() -> Vec<PathBuf> {
    let mut plans: Vec<PathBuf> = std::fs::read_dir(root().join("plans"))
        .expect("plans/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    plans.sort();
    plans
}

fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator.iter_errors(instance).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

#[test]
fn bundled_plans_validate_against_the_plan_schema() {
    let validator = jsonschema::validator_for(&plan_schema()).expect("a valid JSON Schema");
    let mut plans = bundled_plans();
    assert!(!plans.is_empty(), "no plan files in plans/");
    plans.push(root().join("src/init/scaffold/plans/example.toml"));
    for path in plans {
        let instance = plan_as_json(&read(&path));
        let errors = errors(&validator, &instance);
        assert!(
            errors.is_empty(),
            "{} does not match schemas/plan.schema.json:\n{}",
            path.display(),
            errors.join("\n")
        );
    }
}

/// The project files of this repository and of the `init` scaffold match
/// their schemas, and the schemas reject a misspelt key.
#[test]
fn project_and_rules_files_validate_against_their_schemas() {
    let cases = [
        (
            "project",
            ["pricebook.toml", "src/init/scaffold/pricebook.toml"],
            "[project]\nname = \"x\"\nrulez = \"r.toml\"\n",
        ),
        (
            "rules",
            ["rules.toml", "src/init/scaffold/rules.toml"],
            "[[rules]]\nid = \"R1\"\ntitle = \"t\"\nplan = \"a\"\n",
        ),
    ];
    for (schema, files, misspelt) in cases {
        let schema: Value =
            serde_json::from_str(&read(&root().join(format!("schemas/{schema}.schema.json")))).expect("schema is JSON");
        let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
        for file in files {
            // The scaffold's name is filled in by `init`.
            let text = read(&root().join(file)).replace("{{name}}", "\"demo\"");
            let errors = errors(&validator, &plan_as_json(&text));
            assert!(errors.is_empty(), "{file} does not match its schema:\n{}", errors.join("\n"));
        }
        assert!(!validator.is_valid(&plan_as_json(misspelt)), "{misspelt}");
    }
}

#[test]
fn the_plan_schema_rejects_bad_plans() {
    let validator = jsonschema::validator_for(&plan_schema()).expect("a valid JSON Schema");
    let good = plan_as_json(&read(&root().join("plans/eigent.toml")));
    assert!(validator.is_valid(&good));

    let mut float_price = good.clone();
    float_price["plans"][1]["monthly_price"] = json!(19.99);
    let found = errors(&validator, &float_price);
    assert!(
        found.iter().any(|e| e.starts_with("/plans/1/monthly_price")),
        "a float price was not rejected at its path: {found:?}"
    );

    let mut unknown_key = good.clone();
    unknown_key["catalogue"] = json!({ "name": "typo" });
    let found = errors(&validator, &unknown_key);
    assert!(!found.is_empty(), "an unknown top-level key was accepted");

    let mut float_credits = good.clone();
    float_credits["sources"][0]["amount"] = json!(200.5);
    assert!(!validator.is_valid(&float_credits), "a float amount was accepted");

    let mut bad_duration = good.clone();
    bad_duration["plans"][1]["trial"] = json!("7 dayz");
    assert!(!validator.is_valid(&bad_duration), "\"7 dayz\" was accepted");

    let mut missing_catalog = good;
    if let Some(map) = missing_catalog.as_object_mut() {
        map.remove("catalog");
    }
    assert!(!validator.is_valid(&missing_catalog), "a plan without [catalog] was accepted");
}

/// `pricebook build` output validates against the catalog schema, and the
/// validator notices a decimal written as a JSON number.
#[test]
fn built_catalogs_validate_against_the_catalog_schema() {
    let schema: Value = serde_json::from_str(&read(&root().join("schemas/catalog.schema.json"))).expect("JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let project = pricebook::project::Project::open(pricebook_lang::compile::Workspace::new(root()));
    let catalogs: Vec<_> = project.catalogs.into_values().collect();
    let text = pricebook_core::catalog_json::render(&catalogs).expect("renders");
    let mut built: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(errors(&validator, &built), Vec::<String>::new());
    let first = built["catalogs"].as_object_mut().and_then(|m| m.values_mut().next()).expect("a catalog");
    first["credits"]["price_per"] = json!(1);
    assert!(!errors(&validator, &built).is_empty(), "a number where a decimal string belongs must fail");
}
