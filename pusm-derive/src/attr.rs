//! `#[pusm(...)]` attributes.

use syn::{Attribute, LitStr, Path};

use crate::errors::Errors;

/// The `#[pusm(...)]` options of a type, field or variant.
#[derive(Default)]
pub(crate) struct Attrs {
    /// `rename = "Name"`: the name used in the signature.
    pub(crate) rename: Option<String>,
    /// `crate = "path"`: where pusm-core is (types only).
    pub(crate) krate: Option<Path>,
}

/// Where an attribute sits, to reject options that make no sense there.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    Type,
    Member,
}

pub(crate) fn parse(attrs: &[Attribute], place: Place, errors: &mut Errors) -> Attrs {
    let mut out = Attrs::default();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("pusm")) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let name: LitStr = meta.value()?.parse()?;
                if name.value().is_empty() {
                    return Err(syn::Error::new(
                        name.span(),
                        "`rename` needs a non-empty name",
                    ));
                }
                if out.rename.replace(name.value()).is_some() {
                    return Err(meta.error("duplicate `rename`"));
                }
                Ok(())
            } else if meta.path.is_ident("crate") {
                if place != Place::Type {
                    return Err(meta.error(
                        "`crate` belongs on the struct or enum, not on a field or variant",
                    ));
                }
                let path: LitStr = meta.value()?.parse()?;
                if out.krate.replace(path.parse()?).is_some() {
                    return Err(meta.error("duplicate `crate`"));
                }
                Ok(())
            } else {
                Err(meta.error(
                    "unknown pusm attribute; expected `rename = \"...\"` or `crate = \"...\"`",
                ))
            }
        });
        errors.check(result);
    }
    out
}
