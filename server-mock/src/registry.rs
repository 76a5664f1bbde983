//! The function registry: `"module:function"` → (kind, argument validator, handler), and the
//! context a handler runs in.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde_json::Value;

use crate::convex::{args_object, Endpoint, FnError, FnResult, Kind};
use crate::db::{Db, Doc};
use crate::functions::auth::Identity;
use crate::validator::Validator;

/// One-shot behaviours the control API arms for the next function run that reaches them.
#[derive(Debug, Default)]
pub(crate) struct Hooks {
    /// The next `supportAttachments:finalizeUpload` that gets as far as checking the file
    /// answers `{status:"rejected", message}` with this message.
    pub(crate) reject_next_finalize: Mutex<Option<String>>,
}

/// What a run needs besides the database: the time, the mock's URL and the armed hooks.
#[derive(Clone, Copy)]
pub(crate) struct RunEnv<'a> {
    /// `Date.now()` for the whole run, from the mock clock.
    pub(crate) now: f64,
    /// `http://127.0.0.1:PORT`, for storage URLs.
    pub(crate) url: &'a str,
    pub(crate) hooks: &'a Hooks,
    /// The verified agent identity (`Authorization: Bearer` or the socket's `Authenticate`).
    pub(crate) identity: Option<&'a Identity>,
    /// The key the mock signs its JWTs with.
    pub(crate) jwt_key: &'a [u8],
}

/// What a handler sees while it runs: the database (inside a transaction) and the time.
pub(crate) struct Ctx<'a> {
    pub(crate) db: &'a mut Db,
    /// `Date.now()` for the whole run, from the mock clock.
    pub(crate) now: f64,
    /// `http://127.0.0.1:PORT`, for storage URLs.
    pub(crate) url: &'a str,
    pub(crate) hooks: &'a Hooks,
    /// The verified agent identity of the caller, if any.
    pub(crate) identity: Option<&'a Identity>,
    /// The key the mock signs its JWTs with.
    pub(crate) jwt_key: &'a [u8],
}

/// A function implementation. It gets the validated argument object.
pub(crate) type Handler = fn(&mut Ctx<'_>, &Doc) -> FnResult;

/// One registered public function.
pub(crate) struct FunctionDef {
    pub(crate) kind: Kind,
    pub(crate) args: Validator,
    pub(crate) handler: Handler,
}

/// Every public function the mock implements.
#[derive(Default)]
pub(crate) struct Registry {
    functions: BTreeMap<&'static str, FunctionDef>,
}

impl Registry {
    /// Registers a query.
    pub(crate) fn query(&mut self, path: &'static str, args: Validator, handler: Handler) {
        self.add(path, Kind::Query, args, handler);
    }

    /// Registers a mutation.
    pub(crate) fn mutation(&mut self, path: &'static str, args: Validator, handler: Handler) {
        self.add(path, Kind::Mutation, args, handler);
    }

    /// Registers an action (run like a mutation: the mock's actions only touch the database).
    pub(crate) fn action(&mut self, path: &'static str, args: Validator, handler: Handler) {
        self.add(path, Kind::Action, args, handler);
    }

    fn add(&mut self, path: &'static str, kind: Kind, args: Validator, handler: Handler) {
        self.functions.insert(
            path,
            FunctionDef {
                kind,
                args,
                handler,
            },
        );
    }

    /// The kind `path` is defined as, if it exists.
    pub(crate) fn kind(&self, path: &str) -> Option<Kind> {
        self.functions.get(path).map(|def| def.kind)
    }

    /// The paths of every registered function, sorted.
    pub(crate) fn paths(&self) -> Vec<&'static str> {
        self.functions.keys().copied().collect()
    }

    /// Runs `path` as Convex would for a request on `endpoint`: look-up, kind check, argument
    /// validation, then the handler inside a transaction that is rolled back if it throws.
    pub(crate) fn run(
        &self,
        db: &mut Db,
        env: RunEnv<'_>,
        endpoint: Endpoint,
        path: &str,
        args: &Value,
    ) -> FnResult {
        let Some(def) = self.functions.get(path) else {
            return Err(FnError::System(format!(
                "Could not find public function for '{path}'. Did you forget to run \
                 `npx convex dev` or `npx convex deploy`?"
            )));
        };
        if let Some(required) = endpoint.required_kind() {
            if required != def.kind {
                return Err(FnError::System(format!(
                    "Trying to execute {path} as {required}, but it is defined as {}.",
                    def.kind
                )));
            }
        }
        let args = args_object(args)?;
        let as_value = Value::Object(args);
        def.args
            .validate(&as_value, &|id| db.table_of(id).map(str::to_owned))
            .map_err(|e| FnError::ArgumentValidation(e.to_string()))?;
        let Value::Object(args) = as_value else {
            return Err(FnError::System("Arguments must be an object".into()));
        };
        db.begin();
        let mut ctx = Ctx {
            db: &mut *db,
            now: env.now,
            url: env.url,
            hooks: env.hooks,
            identity: env.identity,
            jwt_key: env.jwt_key,
        };
        let result = (def.handler)(&mut ctx, &args);
        match result {
            Ok(value) => {
                db.commit();
                Ok(value)
            }
            Err(e) => {
                db.rollback();
                Err(e)
            }
        }
    }
}
