//! `ticketForms:*` as a visitor calls them (CONTRACT §11).

use serde::{Deserialize, Serialize};

use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::Call;

/// A field of a ticket form. `type` stays text so that a kind this SDK does not know is kept.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FieldDoc {
    pub(crate) id: String,
    #[serde(rename = "type")]
    pub(crate) kind: String,
    pub(crate) label: String,
    pub(crate) placeholder: Option<String>,
    pub(crate) required: bool,
    pub(crate) options: Option<Vec<String>>,
}

/// A ticket-form document.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FormDoc {
    #[serde(rename = "_id")]
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) fields: Vec<FieldDoc>,
}

/// `ticketForms:getDefaultForVisitor` (public): the default form, else the first, or `null`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetDefaultForVisitor<'a> {
    pub(crate) workspace_id: &'a str,
}

impl Call for GetDefaultForVisitor<'_> {
    const FUNCTION: Function = fns::DEFAULT_TICKET_FORM;
    type Output = Option<FormDoc>;
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::wire::visitor::test_support::{assert_args, assert_decode_error, decoded};

    #[test]
    fn arguments_have_the_contract_field_names() {
        assert_args(
            &GetDefaultForVisitor {
                workspace_id: "ws1",
            },
            json!({"workspaceId": "ws1"}),
        );
    }

    #[test]
    fn forms_decode_or_fail_naming_the_function() {
        let form = json!({"_id": "f1", "workspaceId": "ws1", "name": "Support", "isDefault": true,
                          "createdAt": 1, "updatedAt": 1, "fields": [
                              {"id": "area", "type": "select", "label": "Area", "required": false,
                               "options": ["a", "b"]}]});
        let decoded_form = decoded::<GetDefaultForVisitor>(form.clone()).unwrap();
        assert_eq!(decoded_form.fields[0].kind, "select");
        assert!(decoded::<GetDefaultForVisitor>(json!(null)).is_none());
        for field in ["_id", "name", "fields"] {
            let mut missing = form.clone();
            missing.as_object_mut().unwrap().remove(field);
            assert_decode_error::<GetDefaultForVisitor>(missing);
        }
        for field in ["id", "type", "label", "required"] {
            let mut missing = form.clone();
            missing["fields"][0].as_object_mut().unwrap().remove(field);
            assert_decode_error::<GetDefaultForVisitor>(missing);
        }
    }
}
