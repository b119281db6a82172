{
    "name": "Client Handover",
    "summary": "Hand a departing salesperson's customers over to successors, "
    "with review, approval, signed records and an audited CRM ownership transfer",
    "version": "19.0.1.0.0",
    "category": "Human Resources/Employees",
    "license": "LGPL-3",
    "author": "hr_client_handover developers",
    "website": "https://github.com/hr-client-handover/hr_client_handover",
    "depends": ["hr", "sale_crm"],
    "data": [],
    "demo": [],
    "application": True,
    "installable": True,
}
