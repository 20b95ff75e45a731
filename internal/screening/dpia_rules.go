package screening

// The DPIA rules as data: GDPR Art. 35(3), the nine criteria of the EDPB-endorsed WP248 rev.01
// guidelines and the entries of the CNIL's list (Art. 35(4)) that the grid's answers can reveal.

// SourceWP248 is the Article 29 Working Party's DPIA guidelines, endorsed by the EDPB.
var SourceWP248 = Source{
	Title: t("Article 29 Working Party, Guidelines on Data Protection Impact Assessment (WP248 rev.01), adopted on 4 April 2017, last revised on 4 October 2017, endorsed by the EDPB on 25 May 2018",
		"Groupe de travail « Article 29 », lignes directrices concernant l’analyse d’impact relative à la protection des données (WP248 rév.01), adoptées le 4 avril 2017, révisées en dernier lieu le 4 octobre 2017, reprises par le CEPD le 25 mai 2018"),
	Date: "2017-10-04",
	URL:  "https://ec.europa.eu/newsroom/article29/items/611236",
}

// SourceCNILList is the CNIL's list of processing operations that require a DPIA (GDPR Art. 35(4)).
var SourceCNILList = Source{
	Title: t("CNIL, deliberation no. 2018-327 of 11 October 2018 adopting the list of types of processing operations for which a DPIA is required (French Official Journal of 6 November 2018): fourteen types",
		"CNIL, délibération n° 2018-327 du 11 octobre 2018 portant adoption de la liste des types d’opérations de traitement pour lesquelles une AIPD est requise (JORF du 6 novembre 2018) : quatorze types"),
	Date: "2018-10-11",
	URL:  "https://www.cnil.fr/fr/liste-traitements-aipd-requise",
	Note: t("No later version of the list was found when checked on 5 December 2026. aigrid can detect five of the fourteen types from the grid’s answers; the others concern sectors the grid does not ask about (health establishments, social housing, whistleblowing, genetic data, large-scale location data…), so check the list yourself.",
		"Aucune version plus récente de la liste n’a été trouvée lors de la vérification du 5 décembre 2026. aigrid peut repérer cinq des quatorze types à partir des réponses à la grille ; les autres concernent des secteurs sur lesquels la grille ne pose pas de question (établissements de santé, logement social, alertes, données génétiques, données de localisation à grande échelle…) : vérifiez la liste vous-même."),
}

// SourceCNILAIDPIA is the CNIL's AI how-to sheet on DPIAs.
var SourceCNILAIDPIA = Source{
	Title: t("CNIL, AI how-to sheet “Carrying out a data protection impact assessment if necessary”, 8 April 2024",
		"CNIL, fiche pratique IA « Réaliser une analyse d’impact si nécessaire », 8 avril 2024"),
	Date: "2024-04-08",
	URL:  "https://www.cnil.fr/fr/realiser-une-analyse-dimpact-si-necessaire",
	Note: t("The presumption for high-risk AI systems was read in a third-party summary of this sheet; the sheet’s own text on that point could not be read.",
		"La présomption pour les systèmes d’IA à haut risque a été lue dans un résumé de cette fiche publié par un tiers ; le texte de la fiche sur ce point n’a pas pu être lu."),
}

var wp248 = []Source{SourceWP248}

// wp248Rules are the nine criteria of WP248 rev.01 (section III.B.a). Meeting two or more usually
// means a DPIA is needed.
var wp248Rules = []rule{
	{id: "evaluation_scoring", refs: []string{"GDPR Art. 35(1)", "GDPR Recital 91"}, sources: wp248,
		title:       t("Evaluation or scoring", "Évaluation ou notation"),
		explanation: t("Evaluating or scoring people, including profiling and predicting (performance at work, economic situation, health, preferences, reliability, behaviour, location).", "Évaluer ou noter des personnes, y compris par profilage et prédiction (rendement au travail, situation économique, santé, préférences, fiabilité, comportement, localisation)."),
		any: []signal{
			{ref: "q7.2.1", in: []string{"evaluation_scoring"}, decisive: true},
			{ref: "q6.3.1", in: []string{"assesses_people"}},
			{ref: "profile:ai_act_area", in: []string{"employment", "education", "credit_scoring", "insurance_pricing", "public_benefits"}},
		}},
	{id: "automated_decisions", refs: []string{"GDPR Art. 22", "GDPR Art. 35(3)(a)"}, sources: wp248,
		title:       t("Automated decisions with legal or similarly significant effect", "Décision automatisée avec effet juridique ou effet similaire significatif"),
		explanation: t("Decisions about people that produce legal effects or similarly significant effects on them, such as exclusion or discrimination.", "Des décisions sur les personnes qui produisent des effets juridiques à leur égard ou les affectent de manière significative de façon similaire, comme une exclusion ou une discrimination."),
		any: []signal{
			{ref: "profile:automated_decisions", in: []string{"yes"}, decisive: true},
			{ref: "q7.2.1", in: []string{"automated_decisions"}},
			{ref: "q6.6.1", in: []string{"solely_automated"}},
		}},
	{id: "systematic_monitoring", refs: []string{"GDPR Art. 35(3)(c)"}, sources: wp248,
		title:       t("Systematic monitoring", "Surveillance systématique"),
		explanation: t("Observing, monitoring or controlling people, including through networks or in publicly accessible areas.", "Observer, surveiller ou contrôler des personnes, y compris par des réseaux ou dans des zones accessibles au public."),
		any: []signal{
			{ref: "q7.2.1", in: []string{"systematic_monitoring"}, decisive: true},
		}},
	{id: "sensitive_data", refs: []string{"GDPR Art. 9", "GDPR Art. 10"}, sources: wp248,
		title:       t("Sensitive or highly personal data", "Données sensibles ou à caractère hautement personnel"),
		explanation: t("Special-category data, data on criminal offences, or highly personal data such as health or financial data.", "Données sensibles, données d’infraction, ou données à caractère hautement personnel comme les données de santé ou financières."),
		any: []signal{
			{ref: "profile:special_category", in: []string{"yes"}, decisive: true},
			{ref: "q7.2.1", in: []string{"sensitive_data"}},
			{ref: "q1.3.2", in: []string{"health"}},
		}},
	{id: "large_scale", refs: []string{"GDPR Recital 91"}, sources: wp248,
		title:       t("Data processed on a large scale", "Données traitées à grande échelle"),
		explanation: t("Judged by the number of people concerned, the volume of data, the duration and the geographical extent of the processing.", "Apprécié selon le nombre de personnes concernées, le volume de données, la durée et l’étendue géographique du traitement."),
		any: []signal{
			{ref: "q7.2.1", in: []string{"large_scale"}},
			{ref: "q1.3.3", in: []string{"from_100k_to_1m", "more_than_1m"}, decisive: true},
		}},
	{id: "data_matching", sources: wp248,
		title:       t("Matching or combining datasets", "Croisement ou combinaison de données"),
		explanation: t("Datasets from two or more operations, carried out for different purposes or by different controllers, matched or combined in a way people would not expect.", "Des jeux de données issus de plusieurs traitements, menés à des fins différentes ou par des responsables différents, croisés ou combinés d’une manière que les personnes n’attendraient pas."),
		any: []signal{
			{ref: "q7.2.1", in: []string{"data_matching"}},
			{ref: "q2.1.1", in: []string{"direct_collection", "web_scraping", "internal_reuse", "third_party_dataset"}, min: 2},
		}},
	{id: "vulnerable_people", refs: []string{"GDPR Recital 75"}, sources: wp248,
		title:       t("Data concerning vulnerable people", "Données concernant des personnes vulnérables"),
		explanation: t("Children, employees, patients, elderly people, asylum seekers and others in an imbalance of power with the controller.", "Enfants, salariés, patients, personnes âgées, demandeurs d’asile et autres personnes en situation de déséquilibre face au responsable du traitement."),
		any: []signal{
			{ref: "profile:vulnerable_people", in: []string{"yes"}, decisive: true},
			{ref: "q7.2.1", in: []string{"vulnerable_people"}},
			{ref: "q1.3.5", in: []string{"children", "elderly", "patients", "employees", "disabled", "hardship", "migrants", "other"}},
			{ref: "q2.4.2", in: []string{"present_with_safeguards", "present_without_safeguards"}},
		}},
	{id: "innovative_use", refs: []string{"GDPR Art. 35(1)", "GDPR Recital 89"}, sources: wp248,
		title:       t("Innovative use or new technology", "Usage innovant ou nouvelle technologie"),
		explanation: t("New technological or organisational solutions whose consequences for people are not yet well known. An AI system is not innovative by itself: answer q7.2.1 for this system.", "Des solutions technologiques ou organisationnelles nouvelles dont les conséquences pour les personnes sont encore mal connues. Un système d’IA n’est pas innovant par nature : répondez à q7.2.1 pour ce système."),
		any: []signal{
			{ref: "q7.2.1", in: []string{"innovative_use"}, decisive: true},
		}},
	{id: "prevents_rights", refs: []string{"GDPR Art. 22", "GDPR Recital 91"}, sources: wp248,
		title:       t("Preventing people from exercising a right or using a service or contract", "Exclusion du bénéfice d’un droit, d’un service ou d’un contrat"),
		explanation: t("Processing that aims at allowing, changing or refusing people’s access to a service or a contract, such as credit screening.", "Un traitement qui vise à permettre, modifier ou refuser l’accès des personnes à un service ou à un contrat, comme l’examen d’une demande de crédit."),
		any: []signal{
			{ref: "q7.2.1", in: []string{"prevents_rights"}},
			{ref: "profile:ai_act_area", in: []string{"credit_scoring", "insurance_pricing", "public_benefits"}},
		}},
}

// art35Rules are the cases of GDPR Art. 35(3) that the answers can reveal; each one alone requires
// a DPIA. They combine criteria, so their signals are criteria ids prefixed with "criterion:".
var art35Rules = []rule{
	{id: "art35_3_a", refs: []string{"GDPR Art. 35(3)(a)"},
		title:       t("Systematic and extensive evaluation with decisions that affect people", "Évaluation systématique et approfondie fondant des décisions qui affectent les personnes"),
		explanation: t("Evaluation of personal aspects based on automated processing, including profiling, on which decisions with legal or similarly significant effects are based. aigrid sees it when both “evaluation or scoring” and “automated decisions” are met.", "Évaluation d’aspects personnels fondée sur un traitement automatisé, y compris le profilage, sur la base de laquelle sont prises des décisions produisant des effets juridiques ou similaires. aigrid le repère lorsque « évaluation ou notation » et « décision automatisée » sont tous deux remplis.")},
	{id: "art35_3_b", refs: []string{"GDPR Art. 35(3)(b)"},
		title:       t("Large-scale processing of sensitive data", "Traitement à grande échelle de données sensibles"),
		explanation: t("Processing on a large scale of special-category data or of data on criminal offences. aigrid sees it when both “sensitive data” and “large scale” are met.", "Traitement à grande échelle de données sensibles ou de données d’infraction. aigrid le repère lorsque « données sensibles » et « grande échelle » sont tous deux remplis.")},
}

var cnilList = []Source{SourceCNILList}

// cnilListRules are the types of the CNIL's list that the grid's answers can reveal. Each needs all
// of its signals (all is set with the any field read as "every signal").
var cnilListRules = []rule{
	{id: "cnil_hr_profiling", sources: cnilList,
		title:       t("Profiling people for human resources management", "Profilage de personnes à des fins de gestion des ressources humaines"),
		explanation: t("The CNIL’s list names processing that builds profiles of people to manage human resources, such as recruitment algorithms. aigrid sees it when the system is used in employment and evaluates or scores people.", "La liste de la CNIL vise les traitements établissant des profils de personnes à des fins de gestion des ressources humaines, comme les algorithmes de recrutement. aigrid le repère lorsque le système est utilisé dans l’emploi et évalue ou note des personnes."),
		any:         []signal{{ref: "profile:ai_act_area", in: []string{"employment"}, decisive: true}, {ref: "criterion:evaluation_scoring"}}},
	{id: "cnil_employee_monitoring", sources: cnilList,
		title:       t("Constant monitoring of employees’ activity", "Surveillance constante de l’activité des salariés"),
		explanation: t("aigrid sees it when the system is used in employment and monitors people systematically.", "aigrid le repère lorsque le système est utilisé dans l’emploi et surveille des personnes de manière systématique."),
		any:         []signal{{ref: "profile:ai_act_area", in: []string{"employment"}, decisive: true}, {ref: "criterion:systematic_monitoring"}}},
	{id: "cnil_contract_exclusion", sources: cnilList,
		title:       t("Profiling that may exclude people from a contract, or suspend or end it", "Profilage pouvant aboutir à exclure une personne d’un contrat, à le suspendre ou à y mettre fin"),
		explanation: t("aigrid sees it when the system evaluates or scores people and may deny them a service or a contract.", "aigrid le repère lorsque le système évalue ou note des personnes et peut leur refuser un service ou un contrat."),
		any:         []signal{{ref: "criterion:evaluation_scoring"}, {ref: "criterion:prevents_rights"}}},
	{id: "cnil_external_profiling", sources: cnilList,
		title:       t("Profiling with data from external sources", "Profilage faisant appel à des données provenant de sources externes"),
		explanation: t("aigrid sees it when the system evaluates or scores people and its data come from the web or from third parties.", "aigrid le repère lorsque le système évalue ou note des personnes et que ses données proviennent du web ou de tiers."),
		any:         []signal{{ref: "criterion:evaluation_scoring"}, {ref: "q2.1.1", in: []string{"web_scraping", "third_party_dataset"}}}},
	{id: "cnil_biometric_vulnerable", sources: cnilList,
		title:       t("Biometric recognition of people, including vulnerable people", "Données biométriques pour la reconnaissance de personnes, dont des personnes vulnérables"),
		explanation: t("aigrid sees it when the system is used for biometrics and concerns vulnerable people.", "aigrid le repère lorsque le système relève de la biométrie et concerne des personnes vulnérables."),
		any:         []signal{{ref: "profile:ai_act_area", in: []string{"biometrics"}, decisive: true}, {ref: "criterion:vulnerable_people"}}},
}

// cnilAIRule is the CNIL's presumption for high-risk AI systems that process personal data.
var cnilAIRule = rule{id: "cnil_ai_high_risk", sources: []Source{SourceCNILAIDPIA}, refs: []string{"AI Act Art. 26(9)"},
	title:       t("High-risk AI system processing personal data", "Système d’IA à haut risque traitant des données personnelles"),
	explanation: t("The CNIL presumes that developing a high-risk AI system under the AI Act that processes personal data needs a DPIA; a deployer uses the provider’s information (AI Act Art. 13) for its own DPIA (Art. 26(9)). aigrid uses its AI Act screening, or q7.2.1.", "La CNIL présume qu’une AIPD est nécessaire pour le développement d’un système d’IA à haut risque au sens du RIA qui traite des données personnelles ; le déployeur s’appuie sur les informations du fournisseur (article 13 du RIA) pour sa propre AIPD (article 26.9). aigrid s’appuie sur son analyse RIA, ou sur q7.2.1.")}
