-- The dhr catalogue: the source of truth for its tables, indexes, full-text index and triggers.
-- Shipped inside the wheel as dhrcli/schema.sql. Every statement says IF NOT EXISTS: an older
-- catalogue runs this again when it is upgraded. A change that needs its data changed too adds a
-- named step to STEPS in dhrcli/migrations.py (which sets meta.schema_version).

CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The named steps of dhrcli/migrations.py this catalogue has had, and when.
CREATE TABLE IF NOT EXISTS migrations (
    name       TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL
);

-- One row per review. `key` is the public id (given in the review file, or derived from the
-- CSP and publication month, e.g. norfolk-2023-04); `id` is the internal integer key.
CREATE TABLE IF NOT EXISTS reviews (
    id            INTEGER PRIMARY KEY,
    key           TEXT NOT NULL UNIQUE,
    csp           TEXT NOT NULL,
    title         TEXT,
    review_type   TEXT NOT NULL DEFAULT 'DHR',
    basis         TEXT,
    source_url    TEXT,
    summary       TEXT,
    published     TEXT,            -- ISO: 2023, 2023-04 or 2023-04-12
    year_of_death INTEGER,
    base_key      TEXT,            -- the derived key (CSP and month) before a -2, -3 suffix
    identity      TEXT NOT NULL,   -- what tells two reviews of one CSP and month apart
    content_hash  TEXT NOT NULL    -- of the imported record; equal hash = unchanged
);
CREATE INDEX IF NOT EXISTS reviews_order ON reviews (published, key);
CREATE INDEX IF NOT EXISTS reviews_derived ON reviews (base_key, identity);
CREATE INDEX IF NOT EXISTS reviews_csp ON reviews (csp COLLATE NOCASE);  -- since version 2

-- One row per recommendation, in the order of the review file (`position`). `number` is kept as
-- written (8.2, 10.1.1.3, 9.1 a, R4) and may repeat; `sort_key` orders numbers naturally.
CREATE TABLE IF NOT EXISTS recommendations (
    id       INTEGER PRIMARY KEY,
    review   INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    number   TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    occurrence INTEGER NOT NULL DEFAULT 1,  -- 2 for the second recommendation with this number
    text     TEXT NOT NULL,
    themes_given TEXT,                      -- JSON list of themes the review file gave, or NULL
    UNIQUE (review, position)
);
CREATE INDEX IF NOT EXISTS recommendations_order ON recommendations (review, sort_key, position);

-- One row per canonical agency. `key` is the folded name (case, white space, apostrophes,
-- "&"/"and", "The", "Ltd" do not count); `name` is the registry's name, or for a body the
-- registry does not know, the spelling the reviews use most. `matched` says where the sector
-- came from: registry (shipped), user (the user's aliases file), rules (name rules) or other.
CREATE TABLE IF NOT EXISTS agencies (
    id       INTEGER PRIMARY KEY,
    key      TEXT NOT NULL UNIQUE,
    name     TEXT NOT NULL,
    sector   TEXT NOT NULL DEFAULT 'other',
    national INTEGER NOT NULL DEFAULT 0,
    matched  TEXT NOT NULL DEFAULT 'other'
);
CREATE INDEX IF NOT EXISTS agencies_sector ON agencies (sector);

-- Which recommendation went to which agency; `written` is the name as the review gave it.
CREATE TABLE IF NOT EXISTS recommendation_agencies (
    recommendation INTEGER NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    agency         INTEGER NOT NULL REFERENCES agencies (id),
    written        TEXT NOT NULL,
    PRIMARY KEY (recommendation, position)
);
CREATE INDEX IF NOT EXISTS recommendation_agencies_agency ON recommendation_agencies (agency, recommendation);
CREATE INDEX IF NOT EXISTS recommendation_agencies_written ON recommendation_agencies (written);

-- The themes of each recommendation. `source`: rules (the taxonomy's cues; `reason` is a JSON
-- list of {"cue": ..., "words": ...}, one per match), file (given in the review file) or person.
CREATE TABLE IF NOT EXISTS recommendation_themes (
    recommendation INTEGER NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
    theme          TEXT NOT NULL,
    source         TEXT NOT NULL,
    reason         TEXT,
    PRIMARY KEY (recommendation, theme)
);
CREATE INDEX IF NOT EXISTS recommendation_themes_theme ON recommendation_themes (theme, recommendation);

-- What people decided with dhr tag / dhr untag. Keyed by the review's id and the
-- recommendation's number (and which of several with that number), not by row, so that the
-- decisions outlive a re-import of the review and a change of taxonomy.
CREATE TABLE IF NOT EXISTS theme_decisions (
    review     TEXT NOT NULL,
    number     TEXT NOT NULL,
    occurrence INTEGER NOT NULL,
    theme      TEXT NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('add', 'remove')),
    PRIMARY KEY (review, number, occurrence, theme)
);

-- Full-text index over the recommendation text, kept in step by the triggers below. The double
-- quotes around the content table let sqlite-utils and Datasette find it.
CREATE VIRTUAL TABLE IF NOT EXISTS recommendations_fts USING fts5 (
    text,
    content="recommendations",
    content_rowid="id",
    tokenize="porter unicode61 remove_diacritics 2"
);

CREATE TRIGGER IF NOT EXISTS recommendations_ai AFTER INSERT ON recommendations BEGIN
    INSERT INTO recommendations_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER IF NOT EXISTS recommendations_ad AFTER DELETE ON recommendations BEGIN
    INSERT INTO recommendations_fts (recommendations_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER IF NOT EXISTS recommendations_au AFTER UPDATE ON recommendations BEGIN
    INSERT INTO recommendations_fts (recommendations_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO recommendations_fts (rowid, text) VALUES (new.id, new.text);
END;


-- What became of each recommendation, per addressee: every change is an event, never
-- overwritten (a mistake is withdrawn, and kept). Keyed like theme_decisions, by review id,
-- number and occurrence, and by the addressee as the review wrote it ('' for a recommendation
-- with none), so the history outlives re-imports of the review and changes of the registry.
-- The current state of a pair is its latest event by date that is not withdrawn.
CREATE TABLE IF NOT EXISTS status_events (
    id           INTEGER PRIMARY KEY,
    review       TEXT NOT NULL,
    number       TEXT NOT NULL,
    occurrence   INTEGER NOT NULL,
    addressee    TEXT NOT NULL,
    status       TEXT NOT NULL,
    date         TEXT NOT NULL,      -- when it became true (ISO date), not when it was typed
    note         TEXT,
    evidence     TEXT,               -- a link or a reference to the evidence
    recorded_by  TEXT,
    source       TEXT,               -- where it came from: a command, or a file and row
    recorded_at  TEXT NOT NULL,
    withdrawn_at TEXT                -- set when a person withdraws it as recorded by mistake
);
CREATE INDEX IF NOT EXISTS status_events_pair
    ON status_events (review, number, occurrence, addressee, date, id);

-- When a recommendation (addressee '') or one addressee's part of it is due (ISO date), keyed
-- like status_events; an addressee without its own target has the recommendation's.
CREATE TABLE IF NOT EXISTS targets (
    review     TEXT NOT NULL,
    number     TEXT NOT NULL,
    occurrence INTEGER NOT NULL,
    addressee  TEXT NOT NULL,
    target     TEXT NOT NULL,
    PRIMARY KEY (review, number, occurrence, addressee)
);

-- Fingerprints of each recommendation's words (of its first and of its second half, 64-bit
-- integers), so that import finds one repeated almost word for word from another review without
-- searching the text. One tree keyed by print, one index by recommendation (for deletes); until
-- schema step 009 they were hexadecimal text in recommendation_prints, a table and two indexes.
CREATE TABLE IF NOT EXISTS recommendation_fingerprints (
    print          INTEGER NOT NULL,
    recommendation INTEGER NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
    PRIMARY KEY (print, recommendation)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS recommendation_fingerprints_recommendation
    ON recommendation_fingerprints (recommendation);

-- How many recommendations hold each term of lessons.py's method (its document frequency),
-- kept at import, so that `dhr similar` weighs a recommendation's terms without reading the
-- catalogue.
CREATE TABLE IF NOT EXISTS lesson_terms (
    term TEXT PRIMARY KEY,
    df   INTEGER NOT NULL
) WITHOUT ROWID;

-- The view recommendation_list (one readable row per recommendation) is made by migrations.py,
-- from the same column expressions the listing commands use.
