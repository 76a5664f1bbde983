//! The in-memory document store: tables of JSON documents with Convex-style system fields, an
//! id → table registry (what `v.id("table")` validates against) and an undo log so a function
//! that throws leaves no writes behind, as in a Convex transaction.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Map, Value};

use crate::util::new_document_id;

/// A document (or a function's argument object): a JSON object.
pub(crate) type Doc = Map<String, Value>;

/// Typed reads of document fields, with JavaScript-like truthiness helpers.
pub(crate) trait DocExt {
    /// The field as a string.
    fn str_field(&self, key: &str) -> Option<&str>;
    /// The field as a string, only when it is non-empty (JavaScript truthiness of a string).
    fn non_empty(&self, key: &str) -> Option<&str> {
        self.str_field(key).filter(|s| !s.is_empty())
    }
    /// The field as a number.
    fn f64_field(&self, key: &str) -> Option<f64>;
    /// The field as a boolean.
    fn bool_field(&self, key: &str) -> Option<bool>;
    /// The field as an object.
    fn obj_field(&self, key: &str) -> Option<&Doc>;
    /// The document's `_id`.
    fn id(&self) -> &str {
        self.str_field("_id").unwrap_or_default()
    }
}

impl DocExt for Doc {
    fn str_field(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str)
    }
    fn f64_field(&self, key: &str) -> Option<f64> {
        self.get(key).and_then(Value::as_f64)
    }
    fn bool_field(&self, key: &str) -> Option<bool> {
        self.get(key).and_then(Value::as_bool)
    }
    fn obj_field(&self, key: &str) -> Option<&Doc> {
        self.get(key).and_then(Value::as_object)
    }
}

/// Builds a document from `(key, value)` pairs, leaving out the `None`s (JavaScript `undefined`).
pub(crate) fn doc<I>(fields: I) -> Doc
where
    I: IntoIterator<Item = (&'static str, Option<Value>)>,
{
    fields
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
        .collect()
}

#[derive(Debug, Default, Clone)]
struct Table {
    /// Rows in creation order (the sequence number is the insertion order).
    rows: BTreeMap<u64, Doc>,
    seq_by_id: HashMap<String, u64>,
    /// `conversationId` → sequence numbers of the rows that had it at some point: a superset
    /// (entries are never removed; readers re-check the row), so deletes and rollbacks need
    /// no upkeep.
    by_conversation: HashMap<String, BTreeSet<u64>>,
}

impl Table {
    fn index(&mut self, seq: u64, row: &Doc) {
        if let Some(conversation_id) = row.get("conversationId").and_then(Value::as_str) {
            self.by_conversation
                .entry(conversation_id.to_owned())
                .or_default()
                .insert(seq);
        }
    }
}

#[derive(Debug, Clone)]
enum Undo {
    Inserted {
        table: String,
        id: String,
    },
    Replaced {
        table: String,
        id: String,
        old: Doc,
    },
    Deleted {
        table: String,
        id: String,
        seq: u64,
        old: Doc,
    },
}

/// The database. Every table is created on first use.
#[derive(Debug, Default)]
pub(crate) struct Db {
    tables: HashMap<String, Table>,
    /// Every id ever issued and its table; deleted documents keep their entry, as a real Convex
    /// id keeps encoding its table after the document is gone.
    id_tables: HashMap<String, String>,
    next_seq: u64,
    last_creation_time: f64,
    undo: Option<Vec<Undo>>,
}

impl Db {
    /// The table an id was issued for, if this database issued it.
    pub(crate) fn table_of(&self, id: &str) -> Option<&str> {
        self.id_tables.get(id).map(String::as_str)
    }

    /// Starts recording writes so that [`rollback`](Self::rollback) can undo them.
    pub(crate) fn begin(&mut self) {
        self.undo = Some(Vec::new());
    }

    /// Keeps the writes made since [`begin`](Self::begin).
    pub(crate) fn commit(&mut self) {
        self.undo = None;
    }

    /// Undoes every write made since [`begin`](Self::begin).
    pub(crate) fn rollback(&mut self) {
        let Some(log) = self.undo.take() else { return };
        for entry in log.into_iter().rev() {
            match entry {
                Undo::Inserted { table, id } => {
                    if let Some(t) = self.tables.get_mut(&table) {
                        if let Some(seq) = t.seq_by_id.remove(&id) {
                            t.rows.remove(&seq);
                        }
                    }
                    // The id stays registered: Convex never reuses ids either.
                }
                Undo::Replaced { table, id, old } => {
                    if let Some(t) = self.tables.get_mut(&table) {
                        if let Some(seq) = t.seq_by_id.get(&id) {
                            t.rows.insert(*seq, old);
                        }
                    }
                }
                Undo::Deleted {
                    table,
                    id,
                    seq,
                    old,
                } => {
                    let t = self.tables.entry(table).or_default();
                    t.seq_by_id.insert(id, seq);
                    t.rows.insert(seq, old);
                }
            }
        }
    }

    fn log(&mut self, entry: Undo) {
        if let Some(log) = self.undo.as_mut() {
            log.push(entry);
        }
    }

    /// Inserts a document and returns its new id. `_id` and `_creationTime` are added; the
    /// creation time is `now`, nudged forward by 1 µs-ish steps so it stays strictly increasing.
    pub(crate) fn insert(&mut self, table: &str, mut fields: Doc, now: f64) -> String {
        let id = loop {
            let candidate = new_document_id();
            if !self.id_tables.contains_key(&candidate) {
                break candidate;
            }
        };
        let creation_time = if now > self.last_creation_time {
            now
        } else {
            ((self.last_creation_time * 1000.0).round() + 1.0) / 1000.0
        };
        self.last_creation_time = creation_time;
        fields.insert("_id".into(), Value::String(id.clone()));
        fields.insert("_creationTime".into(), Value::from(creation_time));
        self.next_seq += 1;
        let seq = self.next_seq;
        let t = self.tables.entry(table.to_owned()).or_default();
        t.index(seq, &fields);
        t.rows.insert(seq, fields);
        t.seq_by_id.insert(id.clone(), seq);
        self.id_tables.insert(id.clone(), table.to_owned());
        self.log(Undo::Inserted {
            table: table.to_owned(),
            id: id.clone(),
        });
        id
    }

    /// The document with this id, in whichever table it lives.
    pub(crate) fn get(&self, id: &str) -> Option<&Doc> {
        let table = self.id_tables.get(id)?;
        let t = self.tables.get(table)?;
        t.rows.get(t.seq_by_id.get(id)?)
    }

    /// A clone of the document with this id.
    pub(crate) fn get_cloned(&self, id: &str) -> Option<Doc> {
        self.get(id).cloned()
    }

    /// Shallow-merges `fields` into the document (`ctx.db.patch`), then removes the `unset`
    /// fields (a patch with `undefined` values). Returns false if it is gone.
    pub(crate) fn patch_unset(&mut self, id: &str, fields: Doc, unset: &[&str]) -> bool {
        let Some(table) = self.id_tables.get(id).cloned() else {
            return false;
        };
        let Some(t) = self.tables.get_mut(&table) else {
            return false;
        };
        let Some(seq) = t.seq_by_id.get(id).copied() else {
            return false;
        };
        let Some(row) = t.rows.get_mut(&seq) else {
            return false;
        };
        let old = row.clone();
        for (k, v) in fields {
            row.insert(k, v);
        }
        for key in unset {
            row.remove(*key);
        }
        let row = row.clone();
        t.index(seq, &row);
        self.log(Undo::Replaced {
            table,
            id: id.to_owned(),
            old,
        });
        true
    }

    /// Shallow-merges `fields` into the document (`ctx.db.patch`). Returns false if it is gone.
    pub(crate) fn patch(&mut self, id: &str, fields: Doc) -> bool {
        self.patch_unset(id, fields, &[])
    }

    /// Deletes the document (`ctx.db.delete`). Returns false if it was already gone.
    pub(crate) fn delete(&mut self, id: &str) -> bool {
        let Some(table) = self.id_tables.get(id).cloned() else {
            return false;
        };
        let Some(t) = self.tables.get_mut(&table) else {
            return false;
        };
        let Some(seq) = t.seq_by_id.remove(id) else {
            return false;
        };
        let Some(old) = t.rows.remove(&seq) else {
            return false;
        };
        self.log(Undo::Deleted {
            table,
            id: id.to_owned(),
            seq,
            old,
        });
        true
    }

    /// Every document of a table, oldest first.
    pub(crate) fn scan<'a>(&'a self, table: &str) -> impl Iterator<Item = &'a Doc> + 'a {
        self.tables
            .get(table)
            .into_iter()
            .flat_map(|t| t.rows.values())
    }

    /// The documents of a table whose `conversationId` is `conversation_id`, oldest first,
    /// without scanning the table.
    pub(crate) fn by_conversation<'a>(
        &'a self,
        table: &str,
        conversation_id: &'a str,
    ) -> impl Iterator<Item = &'a Doc> + 'a {
        self.tables
            .get(table)
            .and_then(|t| Some((t, t.by_conversation.get(conversation_id)?)))
            .into_iter()
            .flat_map(|(t, seqs)| seqs.iter().filter_map(|seq| t.rows.get(seq)))
            .filter(move |d| {
                d.get("conversationId").and_then(Value::as_str) == Some(conversation_id)
            })
    }

    /// The first document of a table (oldest first) for which `pred` holds.
    pub(crate) fn find(&self, table: &str, pred: impl Fn(&Doc) -> bool) -> Option<&Doc> {
        self.scan(table).find(|d| pred(d))
    }

    /// Clones of every document of a table for which `pred` holds, oldest first.
    pub(crate) fn filter(&self, table: &str, pred: impl Fn(&Doc) -> bool) -> Vec<Doc> {
        self.scan(table).filter(|d| pred(d)).cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(v: Value) -> Doc {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn by_conversation_follows_inserts_patches_deletes_and_rollbacks() {
        let mut db = Db::default();
        let ids = |db: &Db, c: &str| -> Vec<String> {
            db.by_conversation("m", c)
                .map(|d| d.id().to_owned())
                .collect()
        };
        let a1 = db.insert("m", fields(json!({"conversationId": "a"})), 1.0);
        let b1 = db.insert("m", fields(json!({"conversationId": "b"})), 2.0);
        let a2 = db.insert("m", fields(json!({"conversationId": "a"})), 3.0);
        assert_eq!(ids(&db, "a"), vec![a1.clone(), a2.clone()]);
        db.begin();
        db.patch(&a1, fields(json!({"conversationId": "b"})));
        db.delete(&a2);
        let a3 = db.insert("m", fields(json!({"conversationId": "a"})), 4.0);
        assert_eq!(ids(&db, "a"), vec![a3]);
        assert_eq!(ids(&db, "b"), vec![a1.clone(), b1.clone()]);
        db.rollback();
        assert_eq!(ids(&db, "a"), vec![a1, a2]);
        assert_eq!(ids(&db, "b"), vec![b1]);
        assert_eq!(ids(&db, "c"), Vec::<String>::new());
    }

    #[test]
    fn rollback_undoes_inserts_patches_and_deletes() {
        let mut db = Db::default();
        let kept = db.insert("t", fields(json!({"a": 1})), 10.0);
        db.begin();
        let added = db.insert("t", fields(json!({"a": 2})), 10.0);
        db.patch(&kept, fields(json!({"a": 3})));
        db.delete(&kept);
        db.rollback();
        assert!(db.get(&added).is_none());
        assert_eq!(db.table_of(&added), Some("t"));
        assert_eq!(db.get(&kept).and_then(|d| d.f64_field("a")), Some(1.0));
        assert_eq!(db.scan("t").count(), 1);
    }

    #[test]
    fn creation_times_are_strictly_increasing() {
        let mut db = Db::default();
        let a = db.insert("t", Doc::new(), 1000.0);
        let b = db.insert("t", Doc::new(), 1000.0);
        let ta = db
            .get(&a)
            .and_then(|d| d.f64_field("_creationTime"))
            .unwrap();
        let tb = db
            .get(&b)
            .and_then(|d| d.f64_field("_creationTime"))
            .unwrap();
        assert_eq!(ta, 1000.0);
        assert_eq!(tb, 1000.001);
        let order: Vec<&str> = db.scan("t").map(|d| d.id()).collect();
        assert_eq!(order, vec![a.as_str(), b.as_str()]);
    }
}
