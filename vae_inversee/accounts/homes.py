from vae_inversee.accounts.enums import Role

# The page each role lands on after logging in (product.md section 7).
HOME_URL_NAMES = {
    Role.PROJECT_HOLDER: "pathways:project_holder_home",
    Role.COMPANION: "pathways:companion_home",
    Role.OPCO: "funding:opco_home",
    Role.CERTIFIER: "evaluation:certifier_home",
    Role.MINISTRY: "evaluation:ministry_home",
}
