"""Write a France Compétences-shaped export of N fiches (for timing `manage.py import_rncp`).

    python bench/rncp_export.py out.zip 10000

The format of the real sample (/work/shared/data/rncp, certifications/data): a zip of `;`-separated,
fully quoted UTF-8 CSV members, member names stored without the UTF-8 flag, a tab before SIRETs,
dd/mm/yyyy dates, ACTIVE/INACTIVE; each fiche gets 3–6 blocks, its access routes and a certifier.
"""

import csv
import io
import sys
import zipfile

DATE = "2026_01_15"
ROUTES = ["Par expérience", "Par candidature individuelle", "En contrat de professionnalisation",
          "Après un parcours de formation continue"]  # fmt: skip
CERTIFIERS = [("11004301500012", "MINISTERE DE L'EDUCATION NATIONALE ET DE LA JEUNESSE"),
              ("82948645500019", "ESCAIA"), ("78466840200018", "CONFEDE. NATIONALE BOULANGERS PATISSIERS")]  # fmt: skip
STANDARD = ["Id_Fiche", "Numero_Fiche", "Intitule", "Abrege_Libelle", "Abrege_Intitule", "Nomenclature_Europe_Niveau",
            "Nomenclature_Europe_Intitule", "Accessible_Nouvelle_Caledonie", "Accessible_Polynesie_Francaise",
            "Date_dernier_jo", "Date_Decision", "Date_Fin_Enregistrement", "Date_Effet", "Type_Enregistrement",
            "Validation_Partielle", "Actif"]  # fmt: skip


def member(rows, header):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def build(path, count, first=700000):
    standard, blocks, routes, certifiers = [], [], [], []
    for index in range(count):
        code = f"RNCP{first + index}"
        level = 3 + index % 5
        standard.append([str(100000 + index), code, f"Titre professionnel de banc n° {index + 1} — métier {index % 97}",
                         "TP", "Titre professionnel", f"NIV{level}", f"Niveau {level}", "Non", "Non", "15/01/2024",
                         "10/01/2024", "31/12/2028", "", "Enregistrement de droit", "Oui",
                         "ACTIVE" if index % 10 else "INACTIVE"])  # fmt: skip
        for number in range(1, 3 + index % 4 + 1):
            blocks.append([code, f"{code}BC{number:02d}", f"Bloc {number} : compétences du métier {index % 97}"])
        for route in ROUTES[: 2 + index % 3]:
            routes.append([code, route])
        siret, name = CERTIFIERS[index % len(CERTIFIERS)]
        certifiers.append([code, f"\t{siret}", name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"export_fiches_CSV_Standard_{DATE}.csv", member(standard, STANDARD))
        archive.writestr(f"export_fiches_CSV_Blocs_De_Compétences_{DATE}.csv",
                         member(blocks, ["Numero_Fiche", "Bloc_Competences_Code", "Bloc_Competences_Libelle"]))  # fmt: skip
        archive.writestr(f"export_fiches_CSV_VoixdAccès_{DATE}.csv", member(routes, ["Numero_Fiche", "Si_Jury"]))
        archive.writestr(f"export_fiches_CSV_Certificateurs_{DATE}.csv",
                         member(certifiers, ["Numero_Fiche", "Siret_Certificateur", "Nom_Certificateur"]))  # fmt: skip


if __name__ == "__main__":
    build(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 10000)
