"""The user's permission version and the triggers that bump it (ADR 0011).

Every change that can alter what a user may do bumps ``accounts_user.permissions_version``
in the same transaction, whatever path wrote it (the services, the role requests, the
directory sync, Django's admin, raw SQL):

- a row of the user's groups (``accounts_user_groups``) or direct permissions
  (``accounts_user_user_permissions``) inserted, changed or deleted: that user;
- a row of a group's permissions (``auth_group_permissions``): every user of the group;
- a permission or a content type renamed: every user (rare: migrations).

The new version is drawn from a sequence, never the old one plus one: a sequence value is
never given twice, even when the transaction that drew it rolls back, so a permission set
cached inside a transaction that then rolled back sits under a version nobody will read.

A user added to a group takes a KEY SHARE lock on the group row first, a change of the
group's permissions an UPDATE lock: the two serialise, so a membership committed while
the group's permissions change is always seen by one of the two bumps.
"""

from django.db import migrations, models

FUNCTIONS = """
CREATE SEQUENCE corsia_permissions_version;

CREATE FUNCTION corsia_perms_bump_user_groups() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM 1 FROM auth_group WHERE id = NEW.group_id FOR KEY SHARE;
        UPDATE accounts_user SET permissions_version = nextval('corsia_permissions_version')
         WHERE id = NEW.user_id;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE accounts_user SET permissions_version = nextval('corsia_permissions_version')
         WHERE id = OLD.user_id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION corsia_perms_bump_user_permissions() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE accounts_user SET permissions_version = nextval('corsia_permissions_version')
         WHERE id = NEW.user_id;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE accounts_user SET permissions_version = nextval('corsia_permissions_version')
         WHERE id = OLD.user_id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION corsia_perms_bump_group_members() RETURNS trigger AS $$
DECLARE
    changed integer;
BEGIN
    FOR changed IN
        SELECT NEW.group_id WHERE TG_OP IN ('INSERT', 'UPDATE')
        UNION SELECT OLD.group_id WHERE TG_OP IN ('DELETE', 'UPDATE')
    LOOP
        PERFORM 1 FROM auth_group WHERE id = changed FOR UPDATE;
        UPDATE accounts_user SET permissions_version = nextval('corsia_permissions_version')
         WHERE id IN (SELECT user_id FROM accounts_user_groups WHERE group_id = changed);
    END LOOP;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION corsia_perms_bump_everyone() RETURNS trigger AS $$
BEGIN
    UPDATE accounts_user SET permissions_version = nextval('corsia_permissions_version');
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER corsia_perms_user_groups
    AFTER INSERT OR UPDATE OR DELETE ON accounts_user_groups
    FOR EACH ROW EXECUTE FUNCTION corsia_perms_bump_user_groups();
CREATE TRIGGER corsia_perms_user_permissions
    AFTER INSERT OR UPDATE OR DELETE ON accounts_user_user_permissions
    FOR EACH ROW EXECUTE FUNCTION corsia_perms_bump_user_permissions();
CREATE TRIGGER corsia_perms_group_permissions
    AFTER INSERT OR UPDATE OR DELETE ON auth_group_permissions
    FOR EACH ROW EXECUTE FUNCTION corsia_perms_bump_group_members();
CREATE TRIGGER corsia_perms_permission_renamed
    AFTER UPDATE OF codename, content_type_id ON auth_permission
    FOR EACH STATEMENT EXECUTE FUNCTION corsia_perms_bump_everyone();
CREATE TRIGGER corsia_perms_content_type_renamed
    AFTER UPDATE OF app_label ON django_content_type
    FOR EACH STATEMENT EXECUTE FUNCTION corsia_perms_bump_everyone();
"""

REVERSE = """
DROP TRIGGER IF EXISTS corsia_perms_content_type_renamed ON django_content_type;
DROP TRIGGER IF EXISTS corsia_perms_permission_renamed ON auth_permission;
DROP TRIGGER IF EXISTS corsia_perms_group_permissions ON auth_group_permissions;
DROP TRIGGER IF EXISTS corsia_perms_user_permissions ON accounts_user_user_permissions;
DROP TRIGGER IF EXISTS corsia_perms_user_groups ON accounts_user_groups;
DROP FUNCTION IF EXISTS corsia_perms_bump_everyone();
DROP FUNCTION IF EXISTS corsia_perms_bump_group_members();
DROP FUNCTION IF EXISTS corsia_perms_bump_user_permissions();
DROP FUNCTION IF EXISTS corsia_perms_bump_user_groups();
DROP SEQUENCE IF EXISTS corsia_permissions_version;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_api_token_scopes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="permissions_version",
            field=models.BigIntegerField(db_default=0, default=0, editable=False),
        ),
        migrations.RunSQL(FUNCTIONS, REVERSE),
    ]
