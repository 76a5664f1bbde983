//! A Convex function as the transport needs it: its path, its kind (which decides the
//! `/api/<kind>` endpoint) and whether it is idempotent (which decides whether an ambiguous
//! failure may be retried). Opencom's table of functions is in `crate::wire::functions`.

/// A Convex function kind: which `/api/<kind>` endpoint runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Query,
    Mutation,
    Action,
}

impl Kind {
    pub(crate) fn endpoint(self) -> &'static str {
        match self {
            Kind::Query => "query",
            Kind::Mutation => "mutation",
            Kind::Action => "action",
        }
    }
}

/// One Convex function: its `module:export` path, kind and retry class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Function {
    pub(crate) path: &'static str,
    pub(crate) kind: Kind,
    pub(crate) idempotent: bool,
}

impl Function {
    pub(crate) const fn query(path: &'static str) -> Self {
        Self {
            path,
            kind: Kind::Query,
            idempotent: true,
        }
    }

    pub(crate) const fn mutation(path: &'static str) -> Self {
        Self {
            path,
            kind: Kind::Mutation,
            idempotent: false,
        }
    }

    pub(crate) const fn action(path: &'static str) -> Self {
        Self {
            path,
            kind: Kind::Action,
            idempotent: false,
        }
    }

    pub(crate) const fn idempotent_mutation(path: &'static str) -> Self {
        Self {
            path,
            kind: Kind::Mutation,
            idempotent: true,
        }
    }
}
