//! "Did you mean" suggestions and the naming-convention helpers.

/// Names from other languages that mean a builtin type (compared without
/// case, so `String`, `Bool` and `Bytes` are covered too).
const ALIASES: &[(&str, &str)] = &[
    ("int", "int32"),
    ("i32", "int32"),
    ("integer", "int32"),
    ("float", "float32"),
    ("f32", "float32"),
    ("double", "float32"),
    ("float64", "float32"),
    ("f64", "float32"),
    ("str", "string"),
    ("boolean", "bool"),
    ("byte", "bytes"),
    ("bytearray", "bytes"),
];

/// The builtin type names.
pub(crate) const BUILTINS: &[&str] = &["bool", "int32", "float32", "string", "bytes"];

/// The closest of `candidates` to the unknown type name `name`: an explicit
/// alias (`int` -> `int32`) when its target is a candidate, else a
/// case-insensitive match, else the nearest by edit distance when close
/// enough (at most a third of the name's length, so names shorter than 3
/// get no guess). Ties go to the earlier candidate.
pub(crate) fn suggest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    if let Some(&(_, target)) = ALIASES
        .iter()
        .find(|(alias, _)| alias.eq_ignore_ascii_case(name))
    {
        if let Some(found) = candidates.iter().find(|candidate| **candidate == target) {
            return Some(found);
        }
    }
    if let Some(found) = candidates
        .iter()
        .find(|candidate| candidate.eq_ignore_ascii_case(name) && **candidate != name)
    {
        return Some(found);
    }
    let len = name.chars().count();
    if len > 64 {
        return None;
    }
    let limit = len / 3;
    if limit == 0 {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if *candidate == name || candidate.len().abs_diff(name.len()) > limit {
            continue;
        }
        let distance = edit_distance(&lower, &candidate.to_ascii_lowercase());
        if distance <= limit && best.is_none_or(|(best, _)| distance < best) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// Optimal string alignment distance: insertions, deletions, substitutions
/// and swaps of neighbours each cost 1.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut rows = vec![0usize; (a.len() + 1) * width];
    let at = |i: usize, j: usize| i * width + j;
    for i in 0..=a.len() {
        rows[at(i, 0)] = i;
    }
    for j in 0..=b.len() {
        rows[at(0, j)] = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[at(i - 1, j)] + 1)
                .min(rows[at(i, j - 1)] + 1)
                .min(rows[at(i - 1, j - 1)] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[at(i - 2, j - 2)] + 1);
            }
            rows[at(i, j)] = best;
        }
    }
    rows[at(a.len(), b.len())]
}

/// `^[A-Z][A-Za-z0-9]*$`: type and variant names.
pub(crate) fn is_pascal_case(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|first| first.is_ascii_uppercase())
        && bytes.all(|byte| byte.is_ascii_alphanumeric())
}

/// `^[a-z][a-z0-9]*(_[a-z0-9]+)*$`: field names and namespace segments
/// (lowercase, digits, single underscores between words, none at the end).
pub(crate) fn is_snake_case(name: &str) -> bool {
    name.bytes()
        .next()
        .is_some_and(|first| first.is_ascii_lowercase())
        && name
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'_')
        && !name.contains("__")
        && !name.ends_with('_')
}

/// The PascalCase spelling of `name` (`my_type` -> `MyType`), when there is one.
pub(crate) fn to_pascal_case(name: &str) -> Option<String> {
    let mut out = String::new();
    for word in name.split('_').filter(|word| !word.is_empty()) {
        let shouted = word.len() > 1 && !word.bytes().any(|byte| byte.is_ascii_lowercase());
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            if shouted {
                // `IDLE_MODE` -> `IdleMode`, not `IDLEMODE`.
                out.extend(chars.map(|c| c.to_ascii_lowercase()));
            } else {
                out.extend(chars);
            }
        }
    }
    (is_pascal_case(&out) && out != name).then_some(out)
}

/// The snake_case spelling of `name` (`StepCount` -> `step_count`), when
/// there is one.
pub(crate) fn to_snake_case(name: &str) -> Option<String> {
    let mut out = String::new();
    let mut previous: Option<char> = None;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit()) {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
        previous = Some(c);
    }
    let mut collapsed = String::new();
    for c in out.trim_matches('_').chars() {
        if !(c == '_' && collapsed.ends_with('_')) {
            collapsed.push(c);
        }
    }
    (is_snake_case(&collapsed) && collapsed != name).then_some(collapsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let names = [
            "bool", "int32", "float32", "string", "bytes", "Vec3", "Team",
        ];
        assert_eq!(suggest("int", &names), Some("int32"));
        assert_eq!(suggest("double", &names), Some("float32"));
        assert_eq!(suggest("vec3", &names), Some("Vec3"));
        assert_eq!(suggest("Vec2", &names), Some("Vec3"));
        assert_eq!(suggest("flaot32", &names), Some("float32"));
        assert_eq!(suggest("Quaternion", &names), None);
    }

    #[test]
    fn cases() {
        assert!(is_snake_case("last_command"));
        assert!(is_snake_case("x1"));
        assert!(!is_snake_case("a__b"));
        assert!(!is_snake_case("a_"));
        assert!(!is_snake_case("_a"));
        assert!(!is_snake_case("Abc"));
        assert!(is_pascal_case("Vec3"));
        assert!(!is_pascal_case("vec3"));
        assert!(!is_pascal_case("My_Type"));
        assert_eq!(to_pascal_case("my_type").as_deref(), Some("MyType"));
        assert_eq!(to_pascal_case("IDLE_MODE").as_deref(), Some("IdleMode"));
        assert_eq!(to_pascal_case("vec3").as_deref(), Some("Vec3"));
        assert_eq!(to_snake_case("StepCount").as_deref(), Some("step_count"));
        assert_eq!(to_snake_case("a__b_").as_deref(), Some("a_b"));
    }
}
