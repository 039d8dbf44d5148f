//! The repository's own schemas load from disk with the expected types,
//! fields and fingerprints. Every signature is written out by hand from the
//! rules of PROTOCOL.md ("Fingerprint").

mod common;

use common::fnv1a;
use pusm_schema::{load, FileId, Item, Schema, TypeId, TypeRef};

fn schema_path(name: &str) -> String {
    format!("{}/../schemas/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn load_one(name: &str) -> Schema {
    match load(&[schema_path(name)]) {
        Ok(schema) => schema,
        Err(errors) => panic!("{name} does not load:\n{errors}"),
    }
}

/// The type called `name`, wherever it is.
fn ty(schema: &Schema, name: &str) -> TypeRef {
    let (id, _) = schema
        .types()
        .find(|(_, item)| item.name() == name)
        .unwrap();
    TypeRef::Named(id)
}

fn field_names(schema: &Schema, name: &str) -> Vec<String> {
    let TypeRef::Named(id) = ty(schema, name) else {
        unreachable!()
    };
    match schema.item(id) {
        Item::Struct(def) => def.fields.iter().map(|field| field.name.clone()).collect(),
        Item::Enum(def) => def
            .variants
            .iter()
            .map(|variant| format!("{}={}", variant.name, variant.value))
            .collect(),
    }
}

fn assert_signature(schema: &Schema, name: &str, signature: &str) {
    let ty = ty(schema, name);
    assert_eq!(schema.signature(&ty), signature, "signature of {name}");
    assert_eq!(
        schema.fingerprint(&ty),
        fnv1a(signature),
        "fingerprint of {name}"
    );
}

const VEC3: &str = "Vec3{x:float32,y:float32,z:float32}";
const TEAM: &str = "Team(Neutral=0,Red=1,Blue=2)";
const COMMAND: &str = "Command(Idle=0,Move=1,Jump=2,Reset=-1)";

#[test]
fn the_fnv_helper_matches_the_protocol_example() {
    assert_eq!(
        fnv1a("Pose{at:Vec3{x:float32,y:float32,z:float32},path:[Vec3{x:float32,y:float32,z:float32}]}"),
        0xF097_BD38
    );
}

#[test]
fn common_pusm() {
    let schema = load_one("common.pusm");
    assert_eq!(schema.files.len(), 1);
    let file = &schema.files[0];
    assert_eq!(file.module, "common");
    assert_eq!(file.namespace, Some(vec!["common".to_owned()]));
    assert_eq!(
        file.docs,
        ["Types shared by the example schemas: geometry and identifiers."]
    );
    assert!(file.imports.is_empty());
    let names: Vec<&str> = file.items.iter().map(Item::name).collect();
    assert_eq!(names, ["Vec3", "Team"]);
    assert_eq!(
        file.items[0].docs(),
        ["A point or a direction in simulation space, in metres."]
    );
    assert_eq!(field_names(&schema, "Vec3"), ["x", "y", "z"]);
    assert_eq!(
        field_names(&schema, "Team"),
        ["Neutral=0", "Red=1", "Blue=2"]
    );
    assert_signature(&schema, "Vec3", VEC3);
    assert_signature(&schema, "Team", TEAM);
    assert_eq!(schema.fixed_size(&ty(&schema, "Vec3")), Some(12));
}

#[test]
fn robot_pusm() {
    let schema = load_one("robot.pusm");
    let modules: Vec<&str> = schema
        .files
        .iter()
        .map(|file| file.module.as_str())
        .collect();
    assert_eq!(modules, ["common", "robot"]);
    let robot = &schema.files[1];
    assert_eq!(robot.namespace, Some(vec!["robot".to_owned()]));
    assert_eq!(
        robot.docs,
        [
            "Messages between the robot simulator (the Unity side) and the learning agent",
            "(the Python side): one Observation out, one Action back, every step.",
        ]
    );
    assert_eq!(robot.imports, vec![FileId(0)]);
    let names: Vec<&str> = robot.items.iter().map(Item::name).collect();
    assert_eq!(names, ["Command", "Observation", "Action"]);

    let Item::Enum(command) = &robot.items[0] else {
        panic!("Command is not an enum");
    };
    assert_eq!(command.docs, ["What the agent asks the robot to do next."]);
    assert_eq!(command.variants[3].docs, ["Start a new episode."]);
    assert_eq!(
        field_names(&schema, "Command"),
        ["Idle=0", "Move=1", "Jump=2", "Reset=-1"]
    );

    let Item::Struct(observation) = &robot.items[1] else {
        panic!("Observation is not a struct");
    };
    assert_eq!(
        observation.docs,
        ["One step of the simulation, sent to the agent."]
    );
    assert_eq!(
        observation.fields[0].docs,
        ["Step counter since the start of the episode."]
    );
    assert!(observation.fields[2].docs.is_empty());
    let vec3 = TypeRef::Named(TypeId {
        file: FileId(0),
        index: 0,
    });
    assert_eq!(observation.fields[3].ty, vec3);
    assert_eq!(
        observation.fields[5].ty,
        TypeRef::Array(Box::new(vec3.clone()), 4)
    );
    assert_eq!(observation.fields[8].ty, TypeRef::Optional(Box::new(vec3)));
    assert_eq!(
        observation.fields[9].ty,
        TypeRef::Named(TypeId {
            file: FileId(1),
            index: 0
        })
    );
    assert_eq!(
        field_names(&schema, "Observation"),
        [
            "step",
            "done",
            "reward",
            "position",
            "rays",
            "corners",
            "name",
            "camera",
            "target",
            "last_command",
            "team"
        ]
    );
    assert_eq!(
        field_names(&schema, "Action"),
        ["command", "force", "gains", "tags", "dt"]
    );

    assert_signature(&schema, "Command", COMMAND);
    assert_signature(
        &schema,
        "Observation",
        &format!(
            "Observation{{step:int32,done:bool,reward:float32,position:{VEC3},rays:[float32],corners:[{VEC3};4],\
             name:string,camera:bytes,target:{VEC3}?,last_command:{COMMAND},team:{TEAM}}}"
        ),
    );
    assert_signature(
        &schema,
        "Action",
        &format!(
            "Action{{command:{COMMAND},force:{VEC3},gains:[float32;3],tags:[string],dt:float32?}}"
        ),
    );
}

#[test]
fn edge_cases_pusm() {
    let schema = load_one("edge_cases.pusm");
    let modules: Vec<&str> = schema
        .files
        .iter()
        .map(|file| file.module.as_str())
        .collect();
    assert_eq!(modules, ["common", "edge_cases"]);
    let file = &schema.files[1];
    assert_eq!(file.namespace, Some(vec!["edge_cases".to_owned()]));
    assert_eq!(file.docs.len(), 2);
    let names: Vec<&str> = file.items.iter().map(Item::name).collect();
    assert_eq!(names, ["Nested", "Keywords", "Empty", "Pose"]);
    assert_eq!(
        field_names(&schema, "Keywords"),
        [
            "type",
            "class",
            "from",
            "lambda",
            "string",
            "namespace",
            "read",
            "write",
            "encoded_len",
            "fingerprint",
            "keywords"
        ]
    );
    assert_eq!(field_names(&schema, "Empty"), Vec::<String>::new());

    assert_signature(
        &schema,
        "Nested",
        &format!(
            "Nested{{matrix:[[int32]],maybe_list:[string]?,list_of_maybes:[{VEC3}?],grid:[[float32;2];3],\
             blobs:[bytes],teams:[{TEAM};2],flags:[bool]}}"
        ),
    );
    assert_signature(
        &schema,
        "Keywords",
        "Keywords{type:int32,class:string,from:bool,lambda:float32,string:bytes,namespace:int32,read:int32,\
         write:bool,encoded_len:int32,fingerprint:int32,keywords:int32}",
    );
    assert_signature(&schema, "Empty", "Empty{}");
    assert_signature(
        &schema,
        "Pose",
        &format!("Pose{{position:{VEC3},heading:float32,visible:bool,id:int32,team:{TEAM}}}"),
    );
    assert_eq!(
        schema.fixed_size(&ty(&schema, "Pose")),
        Some(12 + 4 + 1 + 4 + 4)
    );
    assert_eq!(schema.fixed_size(&ty(&schema, "Nested")), None);
}

#[test]
fn all_schemas_together_share_common_once() {
    let schema = load(&[
        schema_path("robot.pusm"),
        schema_path("common.pusm"),
        schema_path("edge_cases.pusm"),
    ])
    .unwrap();
    let modules: Vec<&str> = schema
        .files
        .iter()
        .map(|file| file.module.as_str())
        .collect();
    assert_eq!(modules, ["common", "robot", "edge_cases"]);
    assert_eq!(schema.files[2].imports, vec![FileId(0)]);
    // Paths are as named, `..` removed.
    let expected = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("schemas/common.pusm");
    assert_eq!(schema.files[0].path, expected);
    assert_eq!(schema.types().count(), 2 + 3 + 4);
}
