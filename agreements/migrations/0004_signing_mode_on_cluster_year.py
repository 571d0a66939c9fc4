"""How an agreement is signed moves to its cluster year (ClusterYear.signing_mode): each year
takes the way its in-force (or latest) agreement was opened with, then the agreement's own field
goes."""

from django.db import migrations


def copy_to_cluster_years(apps, schema_editor):
    Agreement = apps.get_model("agreements", "Agreement")
    ClusterYear = apps.get_model("clusters", "ClusterYear")
    rows = (
        Agreement.objects.filter(kind="agreement")
        .exclude(signing_mode="simple")
        .order_by("created_at")
        .values_list("cluster_year_id", "signing_mode")
    )
    for cluster_year_id, mode in rows:  # the latest agreement of a year wins
        ClusterYear.objects.filter(pk=cluster_year_id).update(signing_mode=mode)


def copy_back(apps, schema_editor):
    Agreement = apps.get_model("agreements", "Agreement")
    ClusterYear = apps.get_model("clusters", "ClusterYear")
    for pk, mode in ClusterYear.objects.values_list("pk", "signing_mode"):
        Agreement.objects.filter(cluster_year_id=pk).update(signing_mode=mode)


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0003_digital_signatures"),
        ("clusters", "0005_cluster_year_signing_mode"),
    ]

    operations = [
        migrations.RunPython(copy_to_cluster_years, copy_back),
        migrations.RemoveField(model_name="agreement", name="signing_mode"),
    ]
