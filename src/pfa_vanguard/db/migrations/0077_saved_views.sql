-- Named views of the grid: a user's filters and sort saved under a name (the same query the
-- address bar holds), private or shared with the organization. A name is unique per user and
-- organization (saving again replaces it).
CREATE TABLE saved_views (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id  bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id          bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    query            text NOT NULL CHECK (length(query) <= 2000),
    shared           boolean NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, user_id, name)
);
CREATE INDEX saved_views_shared_idx ON saved_views (organization_id) WHERE shared;
