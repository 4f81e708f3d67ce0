"""PostgreSQL refuses any change to a frozen indicator matrix, whatever code attempts it."""

from django.db import migrations

NODE_TABLES = ["indicators_outcome", "indicators_area", "indicators_indicator", "indicators_choiceoption"]

FORWARD = """
CREATE FUNCTION indicators_refuse_frozen_node() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
        SELECT 1 FROM indicators_matrix WHERE id = OLD.matrix_id AND frozen_at IS NOT NULL
    ) THEN
        RAISE EXCEPTION 'indicator matrix % is frozen', OLD.matrix_id USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
        SELECT 1 FROM indicators_matrix WHERE id = NEW.matrix_id AND frozen_at IS NOT NULL
    ) THEN
        RAISE EXCEPTION 'indicator matrix % is frozen', NEW.matrix_id USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION indicators_refuse_unfreezing() RETURNS trigger AS $$
BEGIN
    IF OLD.frozen_at IS NOT NULL AND (
        TG_OP = 'DELETE'
        OR NEW.frozen_at IS DISTINCT FROM OLD.frozen_at
        OR NEW.cycle_id <> OLD.cycle_id
        OR NEW.version <> OLD.version
    ) THEN
        RAISE EXCEPTION 'indicator matrix % is frozen', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER indicators_matrix_stays_frozen
    BEFORE UPDATE OR DELETE ON indicators_matrix
    FOR EACH ROW EXECUTE FUNCTION indicators_refuse_unfreezing();
""" + "".join(
    f"""
CREATE TRIGGER {table}_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION indicators_refuse_frozen_node();
"""
    for table in NODE_TABLES
)

BACKWARD = "".join(f"DROP TRIGGER {table}_frozen ON {table};\n" for table in NODE_TABLES) + """
DROP TRIGGER indicators_matrix_stays_frozen ON indicators_matrix;
DROP FUNCTION indicators_refuse_unfreezing();
DROP FUNCTION indicators_refuse_frozen_node();
"""


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
