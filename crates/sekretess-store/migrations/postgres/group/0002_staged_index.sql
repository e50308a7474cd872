-- SQLite's migration "staged index" reshapes its blind-index tables for its write path; PostgreSQL
-- keeps its index as 0001 made it. This step keeps both backends' migrations the same, by
-- name and order.
SELECT 1;
