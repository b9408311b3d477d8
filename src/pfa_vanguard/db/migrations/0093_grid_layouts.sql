-- Each user's arrangement of the grid's columns (order, widths, hidden, pinned) per
-- organization, kept on the server so that it follows the user from browser to browser. Stored
-- as the address parameters the web UI writes (cols, widths, hide, pin): one row per user and
-- organization, replaced on every change.
CREATE TABLE grid_layouts (
    organization_id  bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id          bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    query            text NOT NULL CHECK (length(query) <= 2000),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, user_id)
);
