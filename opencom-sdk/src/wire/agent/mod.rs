//! The agent-side functions (CONTRACT.md §15), one file per Opencom module. Every argument struct
//! borrows the caller's data; the responses the contract fixes decode into the wire types here.

pub(crate) mod articles;
pub(crate) mod auth;
pub(crate) mod collections;
pub(crate) mod conversations;
pub(crate) mod messages;
pub(crate) mod snippets;
pub(crate) mod tags;
pub(crate) mod tickets;
pub(crate) mod visitors;

/// `impl Call` for an argument struct with one lifetime: `call!(Args => fns::F, Output);`.
macro_rules! call {
    ($name:ident => $function:expr, $output:ty) => {
        impl crate::wire::Call for $name<'_> {
            const FUNCTION: crate::transport::Function = $function;
            type Output = $output;
        }
    };
}
pub(crate) use call;

/// An argument struct with one id field (`{id}`, `{workspaceId}`…) and its [`Call`](crate::wire::Call).
macro_rules! id_call {
    ($(#[$meta:meta])* $name:ident { $field:ident } => $function:expr, $output:ty) => {
        $(#[$meta])*
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        pub(crate) struct $name<'a> {
            pub(crate) $field: &'a str,
        }

        call!($name => $function, $output);
    };
}
pub(crate) use id_call;

#[cfg(test)]
pub(crate) mod test_support {
    use serde::Serialize;
    use serde_json::Value;

    /// The argument object `args` puts on the wire.
    pub(crate) fn wire<A: Serialize>(args: &A) -> Value {
        serde_json::to_value(args).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Asserts that `value` (the answer of `C::FUNCTION`) does not decode, and that the error
    /// names the function.
    pub(crate) fn assert_decode_error<C: crate::wire::Call>(value: Value) {
        match crate::wire::decode::<C::Output>(C::FUNCTION, value) {
            Err(err @ crate::Error::Decode { .. }) => {
                let text = err.to_string();
                assert!(text.contains(C::FUNCTION.path), "{text}");
            }
            Err(other) => panic!("expected a decode error, got {other}"),
            Ok(_) => panic!("expected a decode error, got a value"),
        }
    }
}
